# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""voiceid-emulator: a local emulator ("test double") of Amazon Connect Voice ID, for tests.

See the package's README.md (emulator/README.md in the speakerops.voiceid repository).

Map (each module imports only from modules listed above it; only this file and __main__ import server):
  errors.py    ApiError and the status of each error code.
  model.py     botocore's Voice ID service model: request/response shapes, validation, patterns.
  auth.py      SigV4: the credential scope of a request, signature checks.
  quotas.py    default request rates and the token-bucket RateLimiter.
  faults.py    injected faults: FaultRule (checked against the model) and the FaultInjector.
  entities.py  the state's data types: Domain, Speaker (with SpeakerIndex), Watchlist, Fraudster.
  config.py    EmulatorConfig: every configuration key once (type, bounds, default, help, CLI option);
               CONFIG_KEYS, default_config(), check_config() and the CLI options derive from it.
  paging.py    NextToken (TokenCodec) and the Pager every List* operation answers with.
  store.py     Store: the domains of every account and region, ids, the state view.
  seed.py      seed documents: reading JSON/YAML files, checking and loading them into a store (SeedError).
  service.py   VoiceIdService: the operations, on validated requests, over a Store.
  engine.py    VoiceIdEmulator: applies the configuration; the request pipeline (auth, quotas, faults,
               validation, service, strict check of responses); call recording; emulator bugs.
  control.py   EmulatorControl: a urllib client of the control API (imports nothing of the package).
  server.py    HTTP front end: the API on POST /, the control API under /_emulator/; EmulatorServer.
  __main__.py  the voiceid-emulator command line (options from config.py).
"""

from __future__ import annotations

from .control import ControlError
from .control import EmulatorControl
from .engine import VoiceIdEmulator
from .errors import ApiError
from .faults import FaultRule
from .quotas import DEFAULT_RATES
from .seed import SeedError
from .seed import load_seed_file
from .server import EmulatorServer

__all__ = [
    "DEFAULT_RATES",
    "ApiError",
    "ControlError",
    "EmulatorControl",
    "EmulatorServer",
    "FaultRule",
    "SeedError",
    "VoiceIdEmulator",
    "load_seed_file",
]
