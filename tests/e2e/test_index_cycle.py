"""The Competitiveness Index from data call to public ranks, in a real browser on the demo network.

Callao's focal point fills in the web form; Cartagena's coordinator downloads the XLSX template, fills it in
offline and uploads it; the validators return (Callao, with a message) and approve; the Secretariat accepts
both submissions and publishes the call; the public then sees both communities ranked with their intervals.
"""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from ports_network.index_engine import ValueType, default_methodology

from ..index_spreadsheet_helpers import fill
from .test_membership_journey import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "puertos-demo-2026"
CALL_TITLE = "Índice de Competitividad y Gestión 2026: convocatoria de datos"


def demo_values(share: float) -> dict[str, float]:
    """A value for every indicator of the default methodology, `share` of the way between its goalposts."""
    values = {}
    for indicator in default_methodology().indicators:
        low, high = indicator.goalposts.lower, indicator.goalposts.upper
        value = low + share * (high - low)
        whole = indicator.value_type in (ValueType.RUBRIC, ValueType.BOOLEAN)
        values[indicator.code] = round(value) if whole else value
    return values


def sign_in_in_english(page, base_url: str, person: str) -> None:
    """Sign in a demo person (Spanish by preference) and switch their interface to English."""
    sign_in(page, base_url, f"{person}@demo.puertos.example", PASSWORD)
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")


def open_submission(page, base_url: str, community: str) -> None:
    """From the data call's page, open (or start) the community's submission."""
    page.goto(f"{base_url}/index/calls")
    page.get_by_role("link", name=CALL_TITLE).click()
    row = page.get_by_role("row").filter(has_text=community)
    start = row.get_by_role("button", name="Open our submission")
    if start.count():
        start.click()
    else:
        row.get_by_role("link", name="See the submission").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(community)


def type_values(page, values: dict[str, float]) -> None:
    """Fill in the web form: a text box for numbers, a list for rubric levels and yes/no."""
    for code, value in values.items():
        field = page.locator(f"[name='value-{code}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(str(int(value)))
        else:
            field.fill(f"{value:g}")


def click_review_button(page, name: str) -> None:
    page.locator("#review").get_by_role("button", name=name).click()


def expect_flash(page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def focal_point_fills_in_the_form(page, base_url: str) -> None:
    sign_in_in_english(page, base_url, "focal.callao")
    open_submission(page, base_url, "Callao")
    type_values(page, demo_values(0.7))
    page.get_by_role("button", name="Save draft").first.click()
    expect_flash(page, "Your values were saved.")
    click_review_button(page, "Submit for validation")
    expect_flash(page, "The values were submitted for validation.")


def coordinator_uploads_the_spreadsheet(page, base_url: str, tmp_path) -> None:
    sign_in_in_english(page, base_url, "coordinator.cartagena")
    open_submission(page, base_url, "Cartagena")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (XLSX)").first.click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    filled = tmp_path / "cartagena-2026-filled.xlsx"
    filled.write_bytes(fill(openpyxl.load_workbook(template), demo_values(0.4)))

    page.get_by_role("button", name="Upload a filled-in template").click()
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name=re.compile(r"^Apply \d+ changes$")).click()
    expect_flash(page, "The values of the file are saved.")
    click_review_button(page, "Submit for validation")
    expect_flash(page, "The values were submitted for validation.")


def validators_review(validator_callao, validator_cartagena, focal, base_url: str) -> None:
    sign_in_in_english(validator_callao, base_url, "validator.callao")
    open_submission(validator_callao, base_url, "Callao")
    validator_callao.get_by_label("Return to the community with a message (required)").fill(
        "Please check the berth occupancy against the terminal report."
    )
    click_review_button(validator_callao, "Return")
    expect_flash(validator_callao, "The submission was returned to the community.")

    focal.reload()
    expect(focal.get_by_text("Please check the berth occupancy against the terminal report.")).to_be_visible()
    click_review_button(focal, "Submit for validation")
    expect_flash(focal, "The values were submitted for validation.")

    validator_callao.reload()
    click_review_button(validator_callao, "Validate the values")
    expect_flash(validator_callao, "The values were validated; the Secretariat was asked to accept them.")

    sign_in_in_english(validator_cartagena, base_url, "validator.cartagena")
    open_submission(validator_cartagena, base_url, "Cartagena")
    click_review_button(validator_cartagena, "Validate the values")
    expect_flash(validator_cartagena, "The values were validated; the Secretariat was asked to accept them.")


def secretariat_accepts_and_publishes(page, base_url: str) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # "Accept these values? They are then locked."
    sign_in_in_english(page, base_url, "secretariat")
    for community in ("Callao", "Cartagena"):
        open_submission(page, base_url, community)
        click_review_button(page, "Accept and lock the values")
        expect_flash(page, "The submission was accepted; its values are locked.")
    page.goto(f"{base_url}/index/results-admin")
    publish_call(page)


def publish_call(page) -> None:
    """Publish the call from its row of the results administration, ticking the confirmation."""
    row = page.get_by_role("row").filter(has_text=CALL_TITLE)
    row.get_by_label("Publish 2 accepted submissions").check()
    row.get_by_role("button", name="Publish").click()
    expect(page.get_by_text(re.compile(r"^Published; the index was computed"))).to_be_visible()


def public_sees_the_ranks(page, base_url: str) -> None:
    page.goto(f"{base_url}/results/")
    table = page.get_by_role("table").first
    # Callao's values sit further along every indicator's good direction only where it is "higher better",
    # so the test checks what is certain: both are ranked, each with a 5–95 % interval.
    for community in ("Callao", "Cartagena"):
        row = table.get_by_role("row").filter(has_text=community)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(re.compile(r"[12] \([12]–[12]\)"))


def test_the_index_cycle_from_form_and_spreadsheet_to_public_ranks(live_server, new_page, tmp_path):
    base_url = live_server.url
    focal, coordinator = new_page(), new_page()
    focal_point_fills_in_the_form(focal, base_url)
    coordinator_uploads_the_spreadsheet(coordinator, base_url, tmp_path)
    validators_review(new_page(), new_page(), focal, base_url)
    secretariat_accepts_and_publishes(new_page(), base_url)
    public_sees_the_ranks(new_page(), base_url)
