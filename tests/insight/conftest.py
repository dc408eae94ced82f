"""Publishing targets for release tests: the library's fake CKAN portal and WebDAV server."""

from tests.library.conftest import ckan_target, fake_ckan, make_target  # noqa: F401
