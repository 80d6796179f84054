from django.contrib.auth import get_user_model
from django.urls import reverse

from strategy.models import StrategyElement


def test_admin_shows_the_draggable_tree(client, strategy):
    """Bug prevented: the element admin failing to render the tree for the secretariat."""
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-12345!")
    client.force_login(admin)
    response = client.get(reverse("admin:strategy_strategyelement_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "draggable-admin" in html
    # The top levels; the rest opens on demand (tests/test_editor_tree.py).
    assert html.count('class="tree-node"') == StrategyElement.objects.filter(level__lte=2).count()
