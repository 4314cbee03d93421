"""Configuration from the environment (`CIVWATCH_*`); command-line flags override it.

A misspelled `CIVWATCH_` variable stops with a hint instead of being silently ignored.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

KNOWN = {
    "CIVWATCH_DATABASE_URL": "where the store lives (SQLite file or PostgreSQL URL)",
    "CIVWATCH_PRIVATE_READS": "1 to require a token for reads too",
    "CIVWATCH_SECRET_KEY": "key for session cookies of the web pages",
    "CIVWATCH_LOG_LEVEL": "logging level (INFO, DEBUG, ...)",
    "CIVWATCH_TEST_POSTGRES_URL": "PostgreSQL server the test suite uses",
    "CIVWATCH_LINK_THRESHOLD": "match probability above which reports are linked",
    "CIVWATCH_PUBLIC_REPORT_LIMIT": "public harm reports accepted per address per hour",
    "CIVWATCH_CASE_DEADLINES": "hours a case may stay in a state, e.g. reported=72,investigation=2160",
    "CIVWATCH_TOKEN": "API token the CLI acts with (case work)",
    "CIVWATCH_NEW_PASSWORD": "password for `civwatch users add` without a prompt",
    "CIVWATCH_SHARED_DATA": "folder of the shared real data (default: ../shared/data)",
    "CIVWATCH_AUDIT_KEY": "secret (kept outside the store) that signs the audit anchor `civwatch audit verify` writes",
    "CIVWATCH_AUDIT_ANCHOR": "file where `civwatch audit verify` keeps the chain's signed head (default: the user data folder)",
    "CIVWATCH_TRUSTED_PROXIES": "comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (default: none)",
    "CIVWATCH_FRESH_WITHIN": "seconds a server trusts its last check that the indicator cube is current (default 0)",
    "CIVWATCH_EVIDENCE_ROOT": "folder of the evidence files (default: `evidence/` beside a SQLite store, else in the user data directory)",
    "CIVWATCH_EVIDENCE_MAX_BYTES": "largest evidence upload accepted, in bytes (default 2147483648 = 2 GiB)",
    "CIVWATCH_TSA_URL": "RFC 3161 time-stamping authority that timestamps every evidence item and bundle",
    "CIVWATCH_MISSING_KEY": "AES-256 key (base64 or hex, 32 bytes) that encrypts missing persons' personal fields",
    "CIVWATCH_MISSING_KEY_FILE": "file holding that key (default: missing.key in the user data folder, made on first use)",
    "CIVWATCH_MISSING_REGISTER_HOURS": "hours within which a reported missing person must be registered (default 24)",
    "CIVWATCH_SMTP_HOST": "SMTP server that sends notifications (unset: notifications are recorded as unsent)",
    "CIVWATCH_SMTP_PORT": "its port (default 25)",
    "CIVWATCH_SMTP_FROM": "the sender address of notifications (default civwatch@localhost)",
    "CIVWATCH_MISSING_NOTIFY_TO": "address told of new candidates when a case has no officer address",
    "CIVWATCH_TSA_CA_FILE": "PEM file of the certificates trusted to sign timestamps (the TSA's CA)",
}


class ConfigError(ValueError):
    """A configuration value is missing, misspelled or malformed."""


def check_environment(environ: dict[str, str] | None = None) -> None:
    env = os.environ if environ is None else environ
    for name in env:
        if name.startswith("CIVWATCH_") and name not in KNOWN:
            hint = difflib.get_close_matches(name, KNOWN, n=1)
            suggestion = f" Did you mean {hint[0]}?" if hint else ""
            raise ConfigError(f"unknown setting {name}.{suggestion} Known: {', '.join(sorted(KNOWN))}")


def shared_data_folder() -> Path:
    """The shared real data (CIVWATCH_SHARED_DATA, default ../shared/data beside the working folder).

    The one place that says where it is: importers of treaties, peacekeeping files and SIPRI rows ask here.
    """
    return Path(os.environ.get("CIVWATCH_SHARED_DATA") or Path.cwd().parent / "shared" / "data")


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("civwatch", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'civwatch.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    private_reads: bool = False
    secret_key: str | None = None

    @classmethod
    def load(cls, database_url: str | None = None) -> Settings:
        check_environment()
        url = database_url or os.environ.get("CIVWATCH_DATABASE_URL") or default_database_url()
        return cls(
            database_url=normalise_database_url(url),
            private_reads=os.environ.get("CIVWATCH_PRIVATE_READS", "0") in {"1", "true", "yes"},
            secret_key=os.environ.get("CIVWATCH_SECRET_KEY"),
        )


def normalise_database_url(url: str) -> str:
    """Accept a bare file path or a postgres URL and return an SQLAlchemy URL."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def evidence_root(sqlite_file: str | None = None) -> Path:
    """Where evidence files live: CIVWATCH_EVIDENCE_ROOT, else `evidence/` beside a SQLite store
    file, else `evidence/` in the user data directory (a PostgreSQL store has no folder of its own)."""
    check_environment()
    configured = os.environ.get("CIVWATCH_EVIDENCE_ROOT")
    if configured:
        return Path(configured).expanduser().resolve()
    if sqlite_file and sqlite_file != ":memory:":
        return Path(sqlite_file).expanduser().resolve().parent / "evidence"
    return Path(platformdirs.user_data_dir("civwatch", appauthor=False)) / "evidence"


def int_setting(name: str, default: int, minimum: int, unit: str = "") -> int:
    """A whole-number setting from the environment: `default` when unset, a ConfigError naming the
    variable when it is not a whole number or is below `minimum`."""
    raw = os.environ.get(name, str(default))
    what = f"a whole number of {unit}" if unit else "a whole number"
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def evidence_max_bytes() -> int:
    return int_setting("CIVWATCH_EVIDENCE_MAX_BYTES", 2 * 1024**3, 1, "bytes")


# ---- scratch files (import stages, UTF-8 copies, uploads) ------------------------------------


def scratch_dir(database_url: str) -> Path:
    """Where scratch files of this store go: a hidden folder beside a SQLite file (they are about
    as big as what they feed it, and the same disk), else the user cache folder."""
    if database_url.startswith("sqlite"):
        database = database_url.split("///", 1)[-1].split("?", 1)[0]
        if database and database != ":memory:":
            return Path(database).expanduser().resolve().parent / ".civwatch-scratch"
    return Path(platformdirs.user_cache_dir("civwatch", appauthor=False)) / "scratch"


def scratch_folder(database_url: str, kind: str) -> Path:
    """A new private folder for one job's scratch files, named `<kind>-<pid>-...` so that a later
    start can tell the folders of a process that died (`clean_stale`). The caller removes it."""
    root = scratch_dir(database_url)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-", dir=root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(database_url: str) -> int:
    """Remove the scratch folders of processes that are gone (killed mid-import); returns how many."""
    root = scratch_dir(database_url)
    removed = 0
    if not root.is_dir():
        return 0
    for entry in root.iterdir():
        parts = entry.name.split("-")
        if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) != os.getpid() and not _alive(int(parts[1])):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
            removed += 1
    return removed


def missing_key() -> bytes:
    """The key of missing persons' personal fields: CIVWATCH_MISSING_KEY, else the file named by
    CIVWATCH_MISSING_KEY_FILE, else `missing.key` in the user data folder (made on first use,
    mode 0600, outside any store). A key that is not 32 bytes is refused."""
    import base64
    import binascii

    check_environment()
    raw = os.environ.get("CIVWATCH_MISSING_KEY")
    if raw is None:
        path = Path(os.environ.get("CIVWATCH_MISSING_KEY_FILE")
                    or Path(platformdirs.user_data_dir("civwatch", appauthor=False)) / "missing.key").expanduser()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            except FileExistsError:
                pass
        raw = path.read_text(encoding="utf-8").strip()
    raw = raw.strip()
    try:
        key = bytes.fromhex(raw) if len(raw) == 64 else base64.b64decode(raw, validate=True)
    except (ValueError, binascii.Error):
        raise ConfigError("CIVWATCH_MISSING_KEY must be 32 bytes in base64 or hex") from None
    if len(key) != 32:
        raise ConfigError(f"CIVWATCH_MISSING_KEY must be 32 bytes (AES-256), got {len(key)}")
    return key


def missing_register_hours() -> int:
    return int_setting("CIVWATCH_MISSING_REGISTER_HOURS", 24, 1, "hours")
