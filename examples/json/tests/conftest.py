"""Makes `json_helpers.py` (beside this file) importable by the test modules: pytest runs with
`--import-mode=importlib`, which does not put test folders on `sys.path`. (The examples'
shared configuration is `examples/conftest.py`.)"""

import pathlib
import sys

_HERE = str(pathlib.Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
