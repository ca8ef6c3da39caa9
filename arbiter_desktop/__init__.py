"""Arbiter Desktop: offline search workstation for French-speaking investigators.

Importing the package switches off every network path of the libraries it may load (the Hugging Face hub,
transformers and datasets, telemetry). The workstations are air-gapped: models are read from local files only.
A value already set in the environment is kept, so that a test can observe the defaults being applied.
"""

import os

__version__ = "0.1.0"

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: never call the hub, use local files only
    "TRANSFORMERS_OFFLINE": "1",  # transformers: same, for models, tokenizers and configs
    "HF_DATASETS_OFFLINE": "1",  # datasets, should any library pull it in
    "HF_HUB_DISABLE_TELEMETRY": "1",  # no usage report from huggingface_hub
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",  # never look for or send a stored token
    "DO_NOT_TRACK": "1",  # the cross-tool convention honoured by huggingface_hub and others
}


def set_offline(force: bool = False) -> None:
    """Apply :data:`OFFLINE_ENVIRONMENT`. At import, values already in the environment win; ``force`` (used
    just before a Hugging Face library is imported) overrides them."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        if force:
            os.environ[name] = value
        else:
            os.environ.setdefault(name, value)


set_offline()
