import pytest

from jiefen.notify import sms

from .factories import Receiver


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()
