"""A notice that is not about a case event (a report ready, a typical case published) reaches
the 提醒 page with its own link, and counts as unread until seen."""

from django.test import Client

from jiefen.accounts.models import Role
from jiefen.notify.services import announce
from jiefen.testing.factories import staff


def test_a_notice_with_its_own_link_is_listed_and_read(world):
    leader = staff(Role.LEADER, region=world.county)
    assert announce([leader], "11月稳定专报已生成", kind="report", url="/reports/7/") == 1
    client = Client()
    client.force_login(leader)
    page = client.get("/work/").content.decode()
    assert 'data-testid="unread">1<' in page
    page = client.get("/work/notifications/").content.decode()
    assert '<a href="/reports/7/">11月稳定专报已生成</a>' in page
    assert 'data-testid="unread"' not in client.get("/work/").content.decode()
