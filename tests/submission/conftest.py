from tests.gate.fixtures import base_home, home  # noqa: F401
