"""Twilio's published Elastic SIP Trunking signalling ranges, from the packaged data file.

`switchboard/data/twilio_signalling.yaml` says where they were read and when; this module only
reads and validates it (read once per process: it is package data and does not change).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from switchboard.domain.provisioning import ProvisioningConfigError
from switchboard.domain.provisioning.sources import SignallingRanges, parse_signalling_ranges

DATA_FILE = "twilio_signalling.yaml"


def read_signalling_ranges(path: Path | None = None) -> SignallingRanges:
    """The ranges in `path` (default: the packaged file), validated; precise errors otherwise."""
    origin = str(path) if path else DATA_FILE
    try:
        if path is None:
            text = resources.files("switchboard.data").joinpath(DATA_FILE).read_text("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ProvisioningConfigError(f"{origin}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ProvisioningConfigError(f"{origin}: not valid YAML ({exc})") from None
    return parse_signalling_ranges(data, origin)


@cache
def twilio_signalling_ranges() -> SignallingRanges:
    """The packaged ranges (cached)."""
    return read_signalling_ranges()
