"""Invalid forms answer 400 everywhere, the Wagtail admin included."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_non_image_upload_is_refused_with_a_message(admin_client):
    upload = SimpleUploadedFile("volantino.png", b"%PDF-1.4 not an image", "image/png")
    response = admin_client.post("/admin/images/add/", {"title": "Volantino", "file": upload})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors and "immagine" in " ".join(errors).lower()


def test_oversize_upload_is_refused_with_a_message(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(buffer, "PNG")
    assert buffer.tell() > 1024
    upload = SimpleUploadedFile("foto.png", buffer.getvalue(), "image/png")
    response = admin_client.post("/admin/images/add/", {"title": "Foto", "file": upload})
    assert response.status_code == 400
    assert "troppo grande" in " ".join(response.context["form"].errors["file"]).lower()


def test_valid_admin_form_still_redirects(admin_client):
    from hub.models import MacroArea

    response = admin_client.post("/admin/macroarea/new/", {"code": "F", "name": "Prova"})
    assert response.status_code == 302
    assert MacroArea.objects.filter(code="F").exists()
