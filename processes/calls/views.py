"""The figures as the API and `okuyami calls stats --json` give them, and as labelled lines for people."""
from __future__ import annotations

FIELDS = ("from", "to", "offered", "answered", "abandoned", "short_abandoned", "unanswered_other", "transferred",
          "answered_within_10s", "service_level", "first_contact_resolution", "average_speed_of_answer_s",
          "average_talk_time_s", "average_handling_time_s")
LABELS = {
    "from": "開始日", "to": "終了日", "offered": "着信数（キューに入った呼）", "answered": "応答数",
    "abandoned": "放棄呼", "short_abandoned": "うち5秒未満の放棄呼", "unanswered_other": "その他の未応答（時間切れ等）",
    "transferred": "転送", "answered_within_10s": "10秒以内の応答", "service_level": "受電応答率（目標85%以上）",
    "first_contact_resolution": "一次完了率（目標90%以上）", "average_speed_of_answer_s": "平均応答時間（秒）",
    "average_talk_time_s": "平均通話時間（秒）", "average_handling_time_s": "平均処理時間（通話＋後処理、秒）",
}


def stats_document(figures: dict, labelled: bool = False):
    document = {key: figures.get(key) for key in FIELDS}
    document["by_hour"] = [{"hour": h["hour"], "offered": h["offered"], "answered": h["answered"],
                            "handled": h["handled"]} for h in figures["by_hour"]]
    if not labelled:
        return document
    lines = [(LABELS[key], percent(document[key]) if key in ("service_level", "first_contact_resolution")
              else "—" if document[key] is None else document[key]) for key in FIELDS]
    lines += [(f"{h['hour']}時台", f"着信{h['offered']} 応答{h['answered']} 処理{h['handled']}")
              for h in document["by_hour"] if h["offered"] or h["handled"]]
    return lines


def percent(value: float | None) -> str:
    return "—（対象なし）" if value is None else f"{value * 100:.1f}%"
