from __future__ import annotations


def test_home_page_renders_a_theme_preview(client):
    response = client.get("/")

    assert response.status_code == 200
    assert 'class="editor' in response.content.decode()
