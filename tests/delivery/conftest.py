from voc.store.testing import database_url  # noqa: F401 - a fixture
