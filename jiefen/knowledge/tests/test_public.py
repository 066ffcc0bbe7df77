"""Residents read the published typical cases, nothing else; the staff library needs a login."""

from django.urls import reverse

from jiefen.knowledge.models import TypicalStatus

from .factories import typical


def test_the_public_pages_show_only_published_cases(client, world):
    shown = typical(world, title="已发布的欠薪案例", resolved=True, agreement_amount=86000)
    draft = typical(world, title="草稿中的案例", status=TypicalStatus.DRAFT)
    review = typical(world, title="审核中的案例", status=TypicalStatus.REVIEW)
    withdrawn = typical(world, title="撤回的案例", status=TypicalStatus.WITHDRAWN)
    page = client.get(reverse("knowledge:public_list")).content.decode()
    assert "已发布的欠薪案例" in page and "已化解" in page and "86000" in page
    for hidden in (draft, review, withdrawn):
        assert hidden.title not in page
        assert client.get(reverse("knowledge:public_detail", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("knowledge:public_detail", args=[shown.pk])).content.decode()
    assert "已发布的欠薪案例" in detail and "调解员组织双方面对面调解" in detail


def test_public_search_by_words_and_category(client, world):
    typical(world, title="工地欠薪", background="包工头拖欠工资")
    typical(world, title="物业费", background="业主拒交物业费", item=world.property_item)
    page = client.get(reverse("knowledge:public_list"), {"q": "物业费"}).content.decode()
    assert "业主拒交物业费" in page and "包工头拖欠工资" not in page
    page = client.get(reverse("knowledge:public_list"), {"category": world.wage_item.category_id}).content.decode()
    assert "包工头拖欠工资" in page and "业主拒交物业费" not in page


def test_the_staff_library_needs_a_login(client, world):
    typical(world)
    response = client.get(reverse("knowledge:library"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
