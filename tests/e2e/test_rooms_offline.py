"""Two people chat in the Callao community room from two browsers; one loses the network for a while and,
back online, sees every message exactly once and in sequence order. Real server, headless Chromium."""

import pytest
from playwright.sync_api import expect

from .test_membership_journey import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "puertos-demo-2026"
COORDINATOR = "coordinator.callao@demo.puertos.example"
MEMBER = "member.callao@demo.puertos.example"


def watch_for_errors(page) -> list[str]:
    """Script errors and Content-Security-Policy violations on the page, collected as they happen."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    return problems


def open_callao_room(page, base_url: str, email: str) -> None:
    """Sign in (the demo people work in Spanish), find the Callao room on /rooms/ and wait for the socket."""
    sign_in(page, base_url, email, PASSWORD, button="Iniciar sesión")
    page.goto(f"{base_url}/rooms/")
    page.get_by_role("main").get_by_role("link", name="Comunidad Logística Portuaria del Callao").click()
    expect(page.locator("#room")).to_have_attribute("data-connection", "online")
    expect(page.locator("#room-status")).to_have_text("Conectado.")


def send(page, body: str) -> None:
    """Type a message and press the send button."""
    page.locator("#room-form textarea[name=body]").fill(body)
    page.locator("#room-form button[type=submit]").click()


def numbered(page) -> list[tuple[int, str]]:
    """The stored messages on the page, as (seq, text), in the order they are displayed."""
    return page.locator("#room-messages li[data-seq]").evaluate_all(
        "items => items.map(li => [Number(li.dataset.seq),"
        " li.querySelector('.room-message-body').textContent.trim()])"
    )


def stored(page, body: str):
    """The numbered (stored) messages on the page with this text."""
    return page.locator("#room-messages li[data-seq]").filter(has_text=body)


def expect_sent(page, body: str) -> None:
    """The message is stored (it has a sequence number) and shown as acknowledged."""
    message = stored(page, body)
    expect(message).to_have_count(1)
    expect(message).to_have_attribute("data-state", "sent")
    expect(message.locator(".room-message-state")).to_have_text("Enviado")


def assert_each_once_in_order(messages: list[tuple[int, str]], bodies: list[str]) -> None:
    """Strictly increasing numbers without gaps, and each body shown exactly once, in sending order."""
    seqs = [seq for seq, _ in messages]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    texts = [body for _, body in messages]
    for body in bodies:
        assert texts.count(body) == 1, (body, texts)
    assert [t for t in texts if t in bodies] == bodies


def test_a_reader_who_goes_offline_gets_every_message_once_and_in_order(live_server, new_page):
    coordinator = new_page(locale="es-PE")
    member = new_page(locale="es-PE")
    problems = watch_for_errors(coordinator)
    problems_of_member = watch_for_errors(member)
    open_callao_room(coordinator, live_server.url, COORDINATOR)
    open_callao_room(member, live_server.url, MEMBER)

    send(coordinator, "Buenos días, equipo")
    expect_sent(coordinator, "Buenos días, equipo")
    expect(stored(member, "Buenos días, equipo")).to_have_count(1)
    send(member, "Hola, aquí estoy")
    expect_sent(member, "Hola, aquí estoy")

    # A reader without network: the room goes on without her, and she catches up when she is back.
    member.context.set_offline(True)
    expect(member.locator("#room")).to_have_attribute("data-connection", "offline")
    written_meanwhile = [f"Mensaje {n} mientras no estás" for n in range(1, 6)]
    for body in written_meanwhile:
        send(coordinator, body)
        expect_sent(coordinator, body)
    assert "Mensaje 1 mientras no estás" not in [body for _, body in numbered(member)]
    member.context.set_offline(False)
    expect(member.locator("#room")).to_have_attribute("data-connection", "online")
    expect(stored(member, "Mensaje 5")).to_have_count(1)
    bodies = ["Buenos días, equipo", "Hola, aquí estoy", *written_meanwhile]
    assert_each_once_in_order(numbered(member), bodies)
    assert numbered(member) == numbered(coordinator)

    # A writer without network: her message waits as "sending", then is stored once when she is back.
    member.context.set_offline(True)
    expect(member.locator("#room")).to_have_attribute("data-connection", "offline")
    send(member, "Escrito sin conexión")
    unsent = member.locator("#room-messages li.room-message-pending")
    expect(unsent).to_have_attribute("data-state", "sending")
    expect(unsent.locator(".room-message-state")).to_have_text("Enviando…")
    send(coordinator, "¿Sigues ahí?")
    expect_sent(coordinator, "¿Sigues ahí?")
    member.context.set_offline(False)
    expect(member.locator("#room")).to_have_attribute("data-connection", "online")
    expect_sent(member, "Escrito sin conexión")
    expect(member.locator("#room-messages li.room-message-pending")).to_have_count(0)
    expect(stored(coordinator, "Escrito sin conexión")).to_have_count(1)

    assert {body for _, body in numbered(member)} >= {"¿Sigues ahí?", "Escrito sin conexión"}
    assert_each_once_in_order(numbered(member), [*bodies, "¿Sigues ahí?"])
    assert_each_once_in_order(numbered(member), [*bodies, "Escrito sin conexión"])
    assert numbered(member) == numbered(coordinator)
    with live_server.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT count(*) FROM room_message WHERE body = 'Escrito sin conexión'"
        ).scalar()
    assert rows == 1
    assert problems == [] and problems_of_member == []


def unread_badge(page) -> int:
    """The unread total next to the Rooms link (0 when no badge is shown)."""
    badge = page.locator("header [data-unread-rooms]")
    return int(badge.get_attribute("data-unread-rooms")) if badge.count() else 0


def test_unread_messages_show_in_the_navigation_and_the_room_marks_the_first_one(live_server, new_page):
    coordinator = new_page(locale="es-PE")
    member = new_page(locale="es-PE")
    open_callao_room(coordinator, live_server.url, COORDINATOR)
    sign_in(member, live_server.url, MEMBER, PASSWORD, button="Iniciar sesión")
    member.goto(f"{live_server.url}/rooms/")
    before = unread_badge(member)

    send(coordinator, "Primera novedad")
    expect_sent(coordinator, "Primera novedad")
    send(coordinator, "Segunda novedad")
    expect_sent(coordinator, "Segunda novedad")

    member.reload()
    assert unread_badge(member) == before + 2
    spoken = member.locator("header [data-unread-rooms] + .visually-hidden")
    expect(spoken).to_contain_text("mensajes sin leer")
    member.get_by_role("main").get_by_role("link", name="Comunidad Logística Portuaria del Callao").click()
    expect(member.locator("a[href='#first-unread']")).to_have_count(1)
    marker = member.locator("#room-messages #first-unread")
    expect(marker).to_have_count(1)
    first_new = member.locator("#first-unread + li[data-seq]")
    expect(first_new).to_contain_text("Primera novedad")
    # Having seen the room, its messages no longer count as unread.
    member.goto(f"{live_server.url}/rooms/")
    assert unread_badge(member) == before


def test_a_reply_link_sends_a_reply_that_arrives_live_with_its_parent_link(live_server, new_page):
    coordinator = new_page(locale="es-PE")
    member = new_page(locale="es-PE")
    problems = watch_for_errors(member)
    open_callao_room(coordinator, live_server.url, COORDINATOR)
    send(coordinator, "¿Está libre la grúa 3?")
    expect_sent(coordinator, "¿Está libre la grúa 3?")
    parent_seq = stored(coordinator, "¿Está libre la grúa 3?").get_attribute("data-seq")

    open_callao_room(member, live_server.url, MEMBER)
    stored(member, "¿Está libre la grúa 3?").get_by_role("link", name="Responder").click()
    expect(member.locator("#room-form input[name=reply_to]")).to_have_value(parent_seq)
    send(member, "Sí, desde las diez")
    expect_sent(member, "Sí, desde las diez")

    reply = stored(coordinator, "Sí, desde las diez")
    expect(reply.locator(".room-message-reply a")).to_have_attribute("href", f"#m{parent_seq}")
    expect(reply.locator(".room-message-reply a")).to_have_text("En respuesta a un mensaje anterior")
    assert problems == []


def test_a_live_message_gets_the_same_actions_as_one_loaded_with_the_page(live_server, new_page):
    coordinator = new_page(locale="es-PE")
    member = new_page(locale="es-PE")
    problems = watch_for_errors(member) + watch_for_errors(coordinator)
    open_callao_room(coordinator, live_server.url, COORDINATOR)
    open_callao_room(member, live_server.url, MEMBER)
    send(member, "Muelle 5 cerrado hasta las 14h")
    expect_sent(member, "Muelle 5 cerrado hasta las 14h")

    own = stored(member, "Muelle 5 cerrado hasta las 14h")
    own.locator("summary", has_text="Editar o eliminar").click()
    own.locator("textarea[name=body]").fill("Muelle 5 cerrado hasta las 15h")
    own.get_by_role("button", name="Guardar cambios").click()
    edited = stored(member, "Muelle 5 cerrado hasta las 15h")
    expect(edited.locator(".room-message-edited")).to_have_text("(editado)")

    # The moderator saw it arrive live (no reload): it offers Report and Hide, which work.
    live = stored(coordinator, "Muelle 5 cerrado hasta las 1")
    expect(live.locator("summary", has_text="Denunciar")).to_have_count(1)
    live.get_by_role("button", name="Ocultar").click()
    expect(coordinator.get_by_text("El mensaje está oculto.")).to_be_visible()
    member.reload()
    expect(member.get_by_text("Mensaje ocultado por un moderador")).to_have_count(1)
    assert problems == []


def test_each_sees_who_else_is_in_the_room_and_who_is_typing(live_server, new_page):
    coordinator = new_page(locale="es-PE")
    member = new_page(locale="es-PE")
    problems = watch_for_errors(coordinator) + watch_for_errors(member)
    open_callao_room(coordinator, live_server.url, COORDINATOR)
    open_callao_room(member, live_server.url, MEMBER)

    expect(coordinator.locator("#room-presence")).to_contain_text("Miguel Torres")
    expect(member.locator("#room-presence")).to_contain_text("Rosa Quispe")
    expect(member.locator("#room-presence")).not_to_contain_text("Miguel Torres")  # not oneself

    member.locator("#room-form textarea[name=body]").press_sequentially("Ya voy", delay=40)
    typing = coordinator.locator("#room-typing")
    expect(typing).to_contain_text("Miguel Torres")
    expect(member.locator("#room-typing")).to_have_text("")
    expect(typing).to_have_text("", timeout=8000)  # gone a few seconds after the typing stops

    member.close()
    expect(coordinator.locator("#room-presence")).not_to_contain_text("Miguel Torres")
    assert problems == []
