from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:profile")


def test_the_page_shows_the_user_s_roles(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Operator Desa/Kelurahan" in response.content.decode()


def test_the_saved_language_sets_the_rendered_language(client, operator_desa_a):
    client.force_login(operator_desa_a)
    first = client.get(URL)
    assert first["Content-Language"] == "id"
    assert '<html lang="id">' in first.content.decode()
    response = client.post(URL, {"action": "language", "language-language": "en"})
    assert response.status_code == 302
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.language == "en"
    after = client.get(URL)
    assert after["Content-Language"] == "en"
    assert '<html lang="en">' in after.content.decode()


def test_the_saved_language_follows_the_user_to_another_browser(client, operator_desa_a):
    operator_desa_a.language = "en"
    operator_desa_a.save()
    client.force_login(operator_desa_a)
    assert client.get(URL)["Content-Language"] == "en"


def test_an_unknown_language_is_refused(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.post(URL, {"action": "language", "language-language": "fr"})
    assert response.status_code == 400
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.language == "id"


def test_the_user_changes_their_password_and_stays_logged_in(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.post(URL, {"action": "password", "password-old_password": PASSWORD,
                                 "password-new_password1": "Hutan-Jati-Blora-9", "password-new_password2":
                                 "Hutan-Jati-Blora-9"})
    assert response.status_code == 302
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.check_password("Hutan-Jati-Blora-9")
    assert client.get(URL).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.post(URL, {"action": "password", "password-old_password": "bukan-ini-1234",
                                 "password-new_password1": "Hutan-Jati-Blora-9", "password-new_password2":
                                 "Hutan-Jati-Blora-9"})
    assert response.status_code == 400
    assert response.context["password_form"].errors["old_password"]
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.check_password(PASSWORD)


def test_the_new_password_must_pass_the_validators(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.post(URL, {"action": "password", "password-old_password": PASSWORD,
                                 "password-new_password1": "12345", "password-new_password2": "12345"})
    assert response.status_code == 400
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.check_password(PASSWORD)


def test_the_language_switch_in_the_header_saves_the_choice(client, operator_desa_a):
    client.force_login(operator_desa_a)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": URL})
    assert response["Location"] == URL
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.language == "en"


def test_the_language_switch_works_before_logging_in(client):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"
