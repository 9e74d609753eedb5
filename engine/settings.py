"""Configuration: environment variables over an instance file over defaults.

The instance file is `<instance>/okuyami.toml` (keys in lower case without the OKUYAMI_ prefix, e.g.
`database_url = "..."`). Environment variables win: OKUYAMI_DATABASE_URL, OKUYAMI_SECRET_KEY,
OKUYAMI_DATA_KEY (comma-separated for rotation: the first key encrypts, every key decrypts), ...
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "OKUYAMI_"
INSTANCE_FILE = "okuyami.toml"


@dataclass(frozen=True)
class Settings:
    instance_path: Path = field(default_factory=lambda: Path.cwd() / "instance")
    database_url: str = ""
    secret_key: str = ""
    data_key: str = ""
    demo: bool = False
    training: bool = False
    """A training city (`okuyami training`): every page shows the 研修環境 banner."""
    bpmn_dir: Path = PROJECT_ROOT / "bpmn"
    dmn_dir: Path = PROJECT_ROOT / "dmn"
    forms_dir: Path = PROJECT_ROOT / "forms"
    script_timeout_seconds: float = 2.0
    template_seconds: float = 10.0
    """Time bound of filling one form template (docxtpl in a bounded process, engine/documents/bounded.py)."""
    timezone: str = "Asia/Tokyo"
    log_level: str = "INFO"
    spiff_log_level: str = "WARNING"
    """SpiffWorkflow's loggers (spiff.*): at INFO it logs every task's state change."""
    # E-mail notifications (an empty smtp_host sends none: they wait in the outbox). smtp_tls: none | starttls | ssl
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "okuyami@localhost"
    smtp_tls: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    base_url: str = "http://127.0.0.1:5000"
    """Where staff open the application: the links in e-mail notifications."""
    public_url: str = "http://127.0.0.1:8080"
    """Where families open the public side (okuyami public serve): the survey address on the guidance sheet."""
    public_pull_from: str = ""
    """The worker's `okuyami public pull` every minute: the public side's data directory here, or its URL."""
    public_export_to: str = ""
    """The worker's `okuyami public export` every two minutes into this directory (empty: cron does it)."""
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated) of reverse proxies whose X-Forwarded-* headers are believed."""
    trusted_proxy_hops: int = 1
    """How many trusted proxies stand in front of the application (each adds one X-Forwarded-For entry)."""
    backup_key: str = ""
    """OKUYAMI_BACKUP_KEY: encrypts backup archives; apart from the data key (both are needed to read them)."""
    backup_folder: str = ""
    """Where the worker writes the daily backup (a second disk); empty: no daily backup."""
    backup_keep_days: int = 14
    """Daily backups kept besides the month-ends (the last backup of each month is kept too)."""
    city_code: str = "141305"
    """The city's 全国地方公共団体コード (141305: Kawasaki); `okuyami erase-all --confirm` must repeat it."""
    ops_allowed_addresses: str = "127.0.0.1,::1"
    """Addresses or networks (comma-separated) that may read /readyz and /metrics."""

    @property
    def data_keys(self) -> list[str]:
        return [k.strip() for k in self.data_key.split(",") if k.strip()]

    def require_production_secrets(self) -> None:
        """Outside the demo the app must not start without its keys: refuse with a message an operator can act on."""
        if self.demo:
            return
        if not self.data_keys:
            raise ConfigurationError(
                "OKUYAMI_DATA_KEY is not set: personal data cannot be encrypted. "
                "Generate one with `okuyami keys generate` and set it in the environment "
                f"or in {self.instance_path / INSTANCE_FILE}.",
                user_message="暗号鍵 (OKUYAMI_DATA_KEY) が設定されていないため起動できません。",
            )
        if not self.secret_key:
            raise ConfigurationError(
                "OKUYAMI_SECRET_KEY is not set: sessions cannot be signed. Set a long random value.",
                user_message="セッション鍵 (OKUYAMI_SECRET_KEY) が設定されていないため起動できません。",
            )


def _coerce(kind: type | str, raw):
    kind_name = kind if isinstance(kind, str) else kind.__name__
    if "Path" in kind_name:
        return Path(raw)
    if "bool" in kind_name:
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in {"1", "true", "yes", "on"}
    if "float" in kind_name:
        return float(raw)
    if "int" in kind_name:
        return int(raw)
    return str(raw)


def load_settings(instance_path: str | Path | None = None, environ: dict | None = None, **overrides) -> Settings:
    environ = os.environ if environ is None else environ
    instance = Path(instance_path or environ.get(ENV_PREFIX + "INSTANCE_PATH") or Path.cwd() / "instance")
    values: dict = {"instance_path": instance}
    file_path = instance / INSTANCE_FILE
    if file_path.exists():
        try:
            from_file = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{file_path} is not valid TOML: {exc}") from exc
        values.update(from_file)
    for f in fields(Settings):
        env_value = environ.get(ENV_PREFIX + f.name.upper())
        if env_value is not None and f.name != "instance_path":
            values[f.name] = env_value
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigurationError(f"unknown setting(s) in {file_path}: {', '.join(sorted(unknown))}")
    kwargs = {}
    for name, value in values.items():
        try:
            kwargs[name] = _coerce(known[name].type, value)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"setting {name} (OKUYAMI_{name.upper()}) has an invalid value "
                                     f"{value!r}: {exc}") from exc
    settings = Settings(**kwargs)
    if not settings.database_url:
        db_file = settings.instance_path / ("okuyami-demo.db" if settings.demo else "okuyami.db")
        settings = Settings(**{**kwargs, "database_url": f"sqlite:///{db_file}"})
    return settings
