from sv_grants.auth.models import Role

from .helpers import heading


def test_sign_in_page_opens(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert heading(response) == "Sign in"


def test_officer_signs_in_with_two_factor_and_lands_on_funds(login_as):
    client = login_as(Role.GRANTS_OFFICER)
    response = client.get("/home", follow_redirects=True)
    assert heading(response) == "Funds"
