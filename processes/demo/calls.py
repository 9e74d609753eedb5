"""The demo city's phone system: a queue_log of the last 8 weeks written as the exchange would (morning peaks,
Mondays busier, a few days with one seat short and the service level below target) and imported, plus the
recorder's folder for the last business days (short generated WAV files and their CSV listing)."""
from __future__ import annotations

import csv
import math
import random
import wave
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from processes.calendar import BusinessCalendar, today_jst
from processes.calendar.slots import JST
from processes.calls.importer import import_file
from processes.calls.models import Call
from processes.calls.recordings import LISTING, index_folder

WEEKS = 8
AGENTS = ("operator1", "supervisor1")
CALLS_PER_HOUR = {9: 8, 10: 7, 11: 5, 12: 3, 13: 4, 14: 4, 15: 4, 16: 2}
WEEKDAY_FACTOR = {0: 1.4, 1: 1.0, 2: 0.95, 3: 0.95, 4: 1.1}
OPEN, LAST_CALL = time(9, 0), time(16, 45)
RECORDED_DAYS = 3
SEED = 16


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _arrivals(rng: random.Random, day: date, busy: float) -> list[datetime]:
    moments = []
    for hour, rate in CALLS_PER_HOUR.items():
        minutes = 45 if hour == 16 else 60
        for _ in range(_poisson(rng, rate * WEEKDAY_FACTOR[day.weekday()] * busy * minutes / 60)):
            moments.append(datetime.combine(day, time(hour), JST) + timedelta(seconds=rng.uniform(0, minutes * 60)))
    return sorted(moments)


def _day_lines(rng: random.Random, day: date, number: int, bad: bool, until: datetime | None) -> tuple[list, list]:
    """One day's queue_log lines (epoch, text) and the answered calls (call id, agent, start, talk)."""
    seats = AGENTS[:1] if bad else AGENTS
    start = datetime.combine(day, OPEN, JST)
    lines = [(start - timedelta(minutes=5), f"NONE|NONE|{agent}|AGENTLOGIN|") for agent in seats]
    free = {agent: start for agent in seats}
    answered = []
    for index, entered in enumerate(_arrivals(rng, day, 1.5 if bad else 1.0)):
        if until is not None and entered > until:
            break
        call_id = f"{number:04d}.{index:03d}"
        caller = f"044{rng.randint(1000000, 9999999)}" if rng.random() > 0.15 else "0442001234"
        lines.append((entered, f"{call_id}|okuyami|NONE|ENTERQUEUE||{caller}|1"))
        agent = min(free, key=free.get)
        wait = max(0.0, (free[agent] - entered).total_seconds()) + rng.uniform(1, 6)
        patience = rng.expovariate(1 / 90)
        if wait > patience:
            gone = int(patience)
            lines.append((entered + timedelta(seconds=gone), f"{call_id}|okuyami|NONE|ABANDON|1|1|{gone}"))
            continue
        talk = int(min(1200, rng.lognormvariate(math.log(170), 0.4)))
        acw = int(rng.uniform(20, 60))
        connect = entered + timedelta(seconds=wait)
        hangup = connect + timedelta(seconds=talk)
        lines.append((connect, f"{call_id}|okuyami|{agent}|CONNECT|{int(wait)}|{call_id}.1|3"))
        ending = "TRANSFER|200|from-internal" if rng.random() < 0.05 else "COMPLETECALLER"
        lines.append((hangup, f"{call_id}|okuyami|{agent}|{ending}|{int(wait)}|{talk}|1"))
        lines.append((hangup, f"NONE|NONE|{agent}|PAUSE|ACW"))
        lines.append((hangup + timedelta(seconds=acw), f"NONE|NONE|{agent}|UNPAUSE|"))
        free[agent] = hangup + timedelta(seconds=acw)
        answered.append((call_id, agent, connect, talk))
    if until is None:
        end = datetime.combine(day, time(17, 0), JST)
        lines += [(max(end, free[agent]), f"NONE|NONE|{agent}|AGENTLOGOFF|") for agent in seats]
    return lines, answered


def write_queue_log(path: Path, today: date, now: datetime | None = None) -> list:
    """The queue_log of the last WEEKS weeks up to `now` (JST); the answered calls of the last recorded days."""
    rng, calendar = random.Random(SEED), BusinessCalendar.default()
    days = [d for d in (today - timedelta(days=n) for n in range(WEEKS * 7, -1, -1)) if calendar.is_business_day(d)]
    bad_days = set(rng.sample(days[:-1], k=min(4, max(0, len(days) - 1))))
    every, recorded = [], []
    for number, day in enumerate(days):
        lines, answered = _day_lines(rng, day, number, day in bad_days, now if day == today else None)
        every += lines
        if day >= days[max(0, len(days) - RECORDED_DAYS)]:
            recorded += answered
    every.sort(key=lambda line: line[0])
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(f"{int(moment.timestamp())}|{text}\n" for moment, text in every)
    return recorded


TRANSCRIPT = """オペレーター：お電話ありがとうございます。川崎市おくやみコーナー予約センターです。
相談者：父が亡くなりまして、区役所の手続の予約をお願いしたいのですが。
オペレーター：ご愁傷さまでございます。死亡届を提出された日を伺ってもよろしいでしょうか。
相談者：先週の金曜日です。
オペレーター：ありがとうございます。ご来庁いただける日のご希望はございますか。
相談者：来週の水曜日の午前がありがたいです。
オペレーター：中原区役所のおくやみコーナーで、水曜日の10時からご案内できます。
"""
"""What the demo recorder's speech-to-text writes beside each recording (a made-up call, no real person)."""


def write_recordings(folder: Path, answered: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tone = b"".join(int(3000 * math.sin(2 * math.pi * 440 * i / 8000)).to_bytes(2, "little", signed=True)
                    for i in range(4000))
    with open(folder / LISTING, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "call_id", "operator", "started_at", "duration_s", "transcript"])
        for call_id, agent, start, talk in answered:
            name = f"{start.strftime('%Y%m%d-%H%M%S')}_{call_id}_{agent}.wav"
            with wave.open(str(folder / name), "wb") as audio:
                audio.setnchannels(1)
                audio.setsampwidth(2)
                audio.setframerate(8000)
                audio.writeframes(tone)
            transcript = name.removesuffix(".wav") + ".txt"
            (folder / transcript).write_text(TRANSCRIPT, encoding="utf-8")
            writer.writerow([name, call_id, agent, start.isoformat(), talk, transcript])


def seed_demo_calls(platform) -> list[str]:
    """Once: write the phone system's files under the instance folder and import them."""
    with platform.database.transaction(write=False) as session:
        if session.scalar(select(Call.id).limit(1)) is not None:
            return []
    folder = Path(platform.settings.instance_path) / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(JST)
    answered = write_queue_log(folder / "queue_log", today_jst(), now)
    result = import_file(platform.database, folder / "queue_log")
    write_recordings(folder / "recordings", answered)
    with platform.database.transaction() as session:
        indexed = index_folder(session, folder / "recordings")
    return [f"calls {result.added} (queue_log of {WEEKS} weeks)", f"recordings {indexed.added}"]
