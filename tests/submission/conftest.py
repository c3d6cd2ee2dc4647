from tests.gate.fixtures import home  # noqa: F401  (base_home: tests/conftest.py)
