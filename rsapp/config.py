"""Where rsapp keeps its data and its settings, and which database it talks to.

The settings file (:func:`config_file`) holds the keymap; :mod:`rsapp.keymap` reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "rsapp"
ENV_DATABASE_URL = "RSAPP_DATABASE_URL"
ENV_DATA_DIR = "RSAPP_DATA_DIR"


def package_root() -> Path:
    return Path(__file__).resolve().parent


def _builtin_dir(name: str) -> Path:
    """A folder shipped with rsapp: in a checkout it sits beside the package, in a wheel inside it."""
    checkout = package_root().parent / name
    if checkout.is_dir():
        return checkout
    return package_root() / "_builtin" / name


def builtin_data_dir() -> Path:
    return _builtin_dir("data")


def builtin_templates_dir() -> Path:
    return _builtin_dir("templates")


def user_data_dir() -> Path:
    """The user's data directory (platformdirs), or RSAPP_DATA_DIR when set."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(appname=APP_NAME, appauthor=False)


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'rsapp.sqlite3'}"


def resolve_database_url(cli_value: str | None = None) -> str:
    """`--db URL` wins over RSAPP_DATABASE_URL, which wins over the SQLite file in the data dir.

    A bare path (no `://`) is taken as a SQLite file.
    """
    url = cli_value or os.environ.get(ENV_DATABASE_URL) or default_database_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def current_user() -> str:
    """Who is written to the change log: the user of this process (signed in through the browser,
    or set by ``rsapp.store.access``), else the OS user."""
    from rsapp.store.access import signed_in_username

    name = signed_in_username()
    if name:
        return name
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "ukjent"


ENV_CONFIG_DIR = "RSAPP_CONFIG_DIR"
CONFIG_FILE_NAME = "config.toml"


def user_config_dir() -> Path:
    """The user's config folder (platformdirs: ``~/.config/rsapp`` on Linux, honouring
    XDG_CONFIG_HOME), or RSAPP_CONFIG_DIR when set."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(appname=APP_NAME, appauthor=False)


def config_file() -> Path:
    """``config.toml`` in the user's config folder: the keymap (``[taster]``, see rsapp.keymap)."""
    return user_config_dir() / CONFIG_FILE_NAME
