"""Where stacks' state lives and how their secrets are encrypted, settled before any CLI call.

Left to the CLI, a missing backend or passphrase surfaces as Pulumi's own login prompt or
`PULUMI_CONFIG_PASSPHRASE` error halfway through a run; deciding here names the one missing value first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .errors import DeployError, INVALID

REPO = Path(__file__).resolve().parents[3]
# `dmesh up --local` keeps its state beside the clone unless told otherwise (documented in docs/deploy.md)
LOCAL_BACKEND = REPO / ".pulumi-state"
BACKEND_SCHEMES = ("file", "s3", "gs", "azblob", "https", "http")
CLOUD_SCHEMES = ("https", "http")  # Pulumi Cloud or a self-hosted service: it manages the stacks' secrets itself
KEY_SERVICES = ("awskms", "azurekeyvault", "gcpkms", "hashivault")
SECRETS_SCHEMES = ("passphrase", *KEY_SERVICES, "default")
PASSPHRASE = "PULUMI_CONFIG_PASSPHRASE"
PASSPHRASE_FILE = "PULUMI_CONFIG_PASSPHRASE_FILE"
BACKEND_ENV = "PULUMI_BACKEND_URL"


@dataclass(frozen=True)
class Backend:
    url: str
    source: str  # where the URL came from, for messages
    secrets_provider: str | None  # None: passphrase (self-managed backends) or the service's own (Pulumi Cloud)
    env: dict[str, str] = field(default_factory=dict)  # for every CLI call

    @property
    def cloud(self) -> bool:
        return is_cloud(self.url)


def is_cloud(url: str) -> bool:
    return urlparse(url).scheme in CLOUD_SCHEMES


def _logged_in(environ: Mapping[str, str]) -> str | None:
    """The backend `pulumi login` last selected, from the CLI's credentials file."""
    home = Path(environ.get("PULUMI_HOME") or Path(environ.get("HOME", "~")).expanduser() / ".pulumi")
    try:
        current = json.loads((home / "credentials.json").read_text(encoding="utf-8")).get("current")
    except (OSError, ValueError, AttributeError):
        return None
    return current if isinstance(current, str) and current else None


def _checked_url(url: str, source: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in BACKEND_SCHEMES or not (parsed.netloc or parsed.path):
        raise DeployError(f"{source}: {url!r} is not a Pulumi backend URL; use file://PATH, s3://BUCKET, gs://, azblob:// "
                          "or https://api.pulumi.com", INVALID)
    if parsed.scheme != "file":
        return url
    # every stack runs from its own folder: a relative path would put each domain's state somewhere else
    folder = Path(os.path.expanduser(url[len("file://"):])).resolve()
    if folder.exists() and not folder.is_dir():
        raise DeployError(f"{source}: {folder} is a file, not a folder for stack state", INVALID)
    return f"file://{folder}"


def resolve_backend(backend: str | None, secrets_provider: str | None, *, local: bool,
                    environ: Mapping[str, str] | None = None) -> Backend:
    """The backend (flag, then PULUMI_BACKEND_URL, then `pulumi login`, then the local default) and its secrets."""
    environ = os.environ if environ is None else environ
    if backend:
        url, source = backend, "--backend"
    elif environ.get(BACKEND_ENV):
        url, source = environ[BACKEND_ENV], BACKEND_ENV
    elif (current := _logged_in(environ)) is not None:
        url, source = current, "`pulumi login`"
    elif local:
        url, source = f"file://{LOCAL_BACKEND}", "the local default"
    else:
        raise DeployError("no Pulumi state backend: pass --backend URL (file://PATH, s3://BUCKET, https://api.pulumi.com), "
                          f"set {BACKEND_ENV}, or run `pulumi login` first; `--local` keeps state in {LOCAL_BACKEND} by default", INVALID)
    url = _checked_url(url, source)
    if secrets_provider is not None and secrets_provider.split("://", 1)[0] not in SECRETS_SCHEMES:
        raise DeployError(f"--secrets-provider: {secrets_provider!r} is not a Pulumi secrets provider; use passphrase, "
                          "awskms://KEY?region=R, azurekeyvault://, gcpkms://, hashivault:// or default (Pulumi Cloud)", INVALID)
    env = {BACKEND_ENV: url, "PULUMI_SKIP_UPDATE_CHECK": "true",
           # update plans (`preview --save-plan`, `up --plan`) sit behind the experimental flag
           "PULUMI_EXPERIMENTAL": "true"}
    result = Backend(url, source, secrets_provider, env)
    if _needs_passphrase(result):
        _check_passphrase(result, environ)
    return result


def _needs_passphrase(backend: Backend) -> bool:
    if backend.secrets_provider is None:
        return not backend.cloud
    return backend.secrets_provider == "passphrase"


def _check_passphrase(backend: Backend, environ: Mapping[str, str]) -> None:
    if PASSPHRASE in environ:
        return
    file = environ.get(PASSPHRASE_FILE)
    if file is None:
        raise DeployError(f"the stacks' secrets on {backend.url} are encrypted with a passphrase: set {PASSPHRASE} "
                          f"(or {PASSPHRASE_FILE} to a file holding it), or pass --secrets-provider awskms://KEY?region=R", INVALID)
    if not Path(file).is_file():
        raise DeployError(f"{PASSPHRASE_FILE}={file!r} is not a readable file", INVALID)
