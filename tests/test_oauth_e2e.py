"""Many workspaces over HTTP, the way Slack and a browser reach Huddle: the install page,
its state cookie, Slack's consent page, the redirect with a code, the installation
stored, the setup DM and modal, commands answered with that workspace's token, two
workspaces' weeks side by side, a forged or replayed state refused, and an uninstall
that stops every send to that workspace (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urljoin, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.domain.settings import load_settings
from bot.messages.onboarding import (
    CHANNEL_ACTION,
    CHANNEL_BLOCK,
    GOAL_ACTION,
    GOAL_BLOCK_PREFIX,
    SETUP_OPEN_ACTION,
    SETUP_VIEW,
    TIMEZONE_ACTION,
    TIMEZONE_BLOCK,
)
from bot.scheduled.fleet import Fleet
from bot.serving.server import Huddle, prepare, serving_http
from bot.serving.server import drain as settle
from bot.standin import AppResponse, SignedSlackClient, SlackOAuthStandIn, SlackWebAPIStandIn
from storage import workspaces
from tests.clock import FakeClock
from tests.conftest import pace_quickly
from tests.secrets_guard import CLIENT_SECRET, ISSUED, SECRETS, SIGNING_SECRET, SecretGuard

CLIENT_ID = "1234.5678"
TZ = "America/New_York"
MONDAY_9 = datetime(2026, 11, 23, 9, 1, tzinfo=ZoneInfo(TZ))
THURSDAY_15 = datetime(2026, 11, 26, 15, 1, tzinfo=ZoneInfo(TZ))
FRIDAY_9 = datetime(2026, 11, 27, 9, 1, tzinfo=ZoneInfo(TZ))
TEAMS = {
    "TACME": ("CACME", "UANNA", {"UAL": "Alfred", "UAB": "Abigail"}),
    "TBETA": ("CBETA", "UBEN", {"UBZ": "Bozena", "UBY": "Byron"}),
}


@dataclass
class Served:
    huddle: Huddle
    url: str
    slack: SlackOAuthStandIn
    clock: FakeClock
    http: aiohttp.ClientSession

    def users(self, team_id: str) -> SignedSlackClient:
        return SignedSlackClient(
            f"{self.url}/slack/events",
            SIGNING_SECRET,
            team_id=team_id,
            standin=self.slack.workspaces[team_id],
            channel_id=TEAMS[team_id][0],
        )

    def fleet(self) -> Fleet:
        fleet = self.huddle.ticker(asyncio.Event())
        assert isinstance(fleet, Fleet)
        return fleet

    async def start_install(self) -> tuple[str, str]:
        """The install page: Slack's consent URL and the state cookie it set."""
        async with self.http.get(f"{self.url}/slack/install") as page:
            assert page.status == 200
            cookie = page.headers["Set-Cookie"].split(";")[0]
            [href] = re.findall(r'href="([^"]+oauth/v2/authorize[^"]*)"', await page.text())
        return html.unescape(href), cookie

    async def consent(self, authorize_url: str, team_id: str) -> str:
        """Slack's consent page, agreed to: the redirect back to Huddle, with a code."""
        async with self.http.get(f"{authorize_url}&team={team_id}", allow_redirects=False) as r:
            assert r.status == 302
            return urljoin(self.url, r.headers["Location"])

    async def redirect(self, url: str, cookie: str | None) -> tuple[int, str]:
        headers = {"Cookie": cookie} if cookie else {}
        async with self.http.get(url, headers=headers, allow_redirects=False) as answer:
            return answer.status, await answer.text()

    async def install(self, team_id: str) -> None:
        authorize_url, cookie = await self.start_install()
        status, page = await self.redirect(await self.consent(authorize_url, team_id), cookie)
        assert status == 200, page

    async def set_up(self, team_id: str, goals: str = "2") -> None:
        answer = await self.submit_setup(team_id, goals=goals)
        assert answer.status == 200 and not answer.text, answer.text
        await settle()  # the roster is read and the team announced after the answer

    async def submit_setup(
        self, team_id: str, *, channel: str | None = None, timezone: str = TZ, goals: str = "2"
    ) -> AppResponse:
        """The installer clicks *Set up Huddle* in the DM and submits the modal."""
        default_channel, installer, _ = TEAMS[team_id]
        channel = channel or default_channel
        async with self.users(team_id) as users:
            opened = await users.block_action(installer, SETUP_OPEN_ACTION)
            assert opened.status == 200
            return await users.view_submission(
                installer,
                SETUP_VIEW,
                {
                    CHANNEL_BLOCK: {
                        CHANNEL_ACTION: {
                            "type": "conversations_select",
                            "selected_conversation": channel,
                        }
                    },
                    TIMEZONE_BLOCK: {
                        TIMEZONE_ACTION: {"type": "plain_text_input", "value": timezone}
                    },
                    f"{GOAL_BLOCK_PREFIX}meeting": {
                        GOAL_ACTION: {"type": "plain_text_input", "value": goals}
                    },
                },
            )


@pytest.fixture
async def served(database_url: str) -> AsyncIterator[Served]:
    clock = FakeClock(MONDAY_9)
    async with SlackOAuthStandIn(CLIENT_ID, CLIENT_SECRET) as slack:
        ISSUED.append(lambda: [installed.token for installed in slack.tokens])
        for team_id, (channel, installer, reps) in TEAMS.items():
            workspace = await slack.add_workspace(
                team_id, installer, ts_clock=lambda: clock().timestamp()
            )
            workspace.add_user(installer, f"Manager of {team_id}", tz=TZ)
            for user_id, name in reps.items():
                workspace.add_user(user_id, name, tz=TZ)
            workspace.add_channel(channel, members=[installer, *reps, workspace.bot_user_id])
        settings = load_settings(
            {
                "SLACK_CLIENT_ID": CLIENT_ID,
                "SLACK_CLIENT_SECRET": CLIENT_SECRET,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": slack.api_url,
                "DATABASE_URL": database_url,
                "HUDDLE_POSTS_PER_MINUTE": "60000",
            }
        )
        huddle = await prepare(settings, clock)
        pace_quickly(huddle.live)
        try:
            async with (
                serving_http(huddle, "127.0.0.1", 0) as url,
                aiohttp.ClientSession() as http,
            ):
                yield Served(huddle, url, slack, clock, http)
                await settle()
        finally:
            await huddle.close()
        guard = SecretGuard(SECRETS)  # installed tokens too (ISSUED)
        leaks = [leak for ws in slack.workspaces.values() for leak in guard.in_slack(ws)]
        assert leaks == [], leaks


def texts(workspace: SlackWebAPIStandIn) -> str:
    """Everything Huddle posted or showed in a workspace, as one text."""
    return " ".join(
        repr(call.args) for call in workspace.calls if call.method.startswith(("chat.", "views."))
    )


async def test_install_set_up_and_a_command_answered_with_the_workspace_token(
    served: Served,
) -> None:
    await served.install("TACME")
    acme = served.slack.workspaces["TACME"]
    [invitation] = acme.dms_to("UANNA")
    assert "Set up Huddle" in str(invitation.blocks)
    async with served.huddle.runtime.sessions() as session:
        [row] = await workspaces.all_workspaces(session)
    assert (row.team_id, row.installer_id, row.uninstalled_at) == ("TACME", "UANNA", None)

    async with served.users("TACME") as users:
        early = await users.command("UAL", "/logmeeting")
        assert "not on a team yet" in early.text

    await served.set_up("TACME")
    [done] = [m for m in acme.dms_to("UANNA") if "is now a team" in m.text]
    assert "<#CACME>" in done.text and TZ in str(done.blocks)
    [team] = await served.huddle.runtime.teams("TACME")
    assert (team.channel, team.settings.timezone.key, team.managers) == ("CACME", TZ, {"UANNA"})

    async with served.users("TACME") as users:
        response = await users.command("UAL", "/logmeeting", "1 Acme")
        reply = await users.reply(response)
        assert "1 of 2 meetings" in reply.all_text
    await acme.wait_for("chat.postMessage", lambda call: call.args.get("channel") == "CACME")
    [line] = acme.messages_in("CACME")
    assert "Alfred" in line.text
    assert served.slack.refused == []  # no call carried a token the workspace did not issue


async def test_two_workspaces_run_a_week_side_by_side(served: Served) -> None:
    for team_id in TEAMS:
        await served.install(team_id)
        await served.set_up(team_id, goals="3")
    fleet = served.fleet()
    await fleet.tick()  # Monday's boards
    for team_id, (_, _, reps) in TEAMS.items():
        async with served.users(team_id) as users:
            first = next(iter(reps))
            await users.reply(await users.command(first, "/logmeeting", "3"))
    served.clock.set(THURSDAY_15)
    await fleet.tick()
    served.clock.set(FRIDAY_9)
    await fleet.tick()
    await settle()

    for team_id, (channel, _installer, reps) in TEAMS.items():
        workspace = served.slack.workspaces[team_id]
        seen = texts(workspace)
        posted = [m.text for m in workspace.messages_in(channel)]
        assert any("summary" in text.lower() for text in posted), (team_id, posted)
        nudged = {m.channel for m in workspace.messages.values() for m in m} - {channel}
        assert nudged
        for other, (other_channel, other_installer, other_reps) in TEAMS.items():
            if other == team_id:
                continue
            for name in other_reps.values():
                assert name not in seen, f"{name} of {other} shows in {team_id}"
            assert other_channel not in seen and other_installer not in seen
        last_rep = list(reps)[-1]
        assert workspace.dms_to(last_rep), f"{last_rep} of {team_id} was not nudged"
    assert served.slack.refused == []


async def test_a_forged_or_replayed_state_is_refused_with_a_clear_page(served: Served) -> None:
    authorize_url, cookie = await served.start_install()
    redirect = await served.consent(authorize_url, "TACME")
    forged = redirect.replace("state=", "state=forged-")
    status, page = await served.redirect(forged, cookie)
    assert status in (400, 401) and "Nothing was installed" in page
    status, page = await served.redirect(redirect, None)  # another browser: no cookie
    assert status == 400 and "another browser" in page

    status, page = await served.redirect(redirect, cookie)
    assert status == 200
    replayed = await served.consent(authorize_url, "TACME")  # the same state again
    status, page = await served.redirect(replayed, cookie)
    assert status == 401 and "expired or was already used" in page
    state = parse_qs(urlsplit(redirect).query)["state"][0]
    assert state not in page


async def test_uninstall_stops_every_send_and_a_reinstall_resumes(served: Served) -> None:
    for team_id in TEAMS:
        await served.install(team_id)
        await served.set_up(team_id)
    acme = served.slack.workspaces["TACME"]
    token = served.slack.token_of("TACME")
    served.slack.revoke("TACME")
    async with served.users("TACME") as users:
        answer = await users.event({"type": "app_uninstalled"})
        assert answer.status == 200
    assert token not in str(await _bots(served))
    calls_before = len(acme.calls)

    served.clock.set(THURSDAY_15)
    fleet = served.fleet()
    await fleet.tick()
    await fleet.tick()
    await settle()
    assert len(acme.calls) == calls_before  # nothing sent, nothing retried
    assert served.slack.workspaces["TBETA"].dms_to("UBZ")  # the other one goes on
    async with served.huddle.runtime.sessions() as session:
        rows = {row.team_id: row for row in await workspaces.all_workspaces(session)}
        channels = await workspaces.team_channels(session)
    assert rows["TACME"].uninstalled_at is not None and channels["TACME"] == ["CACME"]

    await served.install("TACME")  # a reinstall resumes: same channel, nudges go out
    await fleet.tick()
    await settle()
    assert acme.dms_to("UAL")


async def _bots(served: Served) -> list[object]:
    store = served.huddle.app.installation_store
    assert store is not None
    return [await store.async_find_bot(enterprise_id=None, team_id="TACME")]


async def test_workspace_list_and_purge(
    served: Served,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.serving.cli import main

    await served.install("TACME")
    await served.set_up("TACME")
    await served.install("TBETA")
    async with served.users("TACME") as users:
        await users.reply(await users.command("UAL", "/logmeeting", "1"))
    await settle()  # its line in the team channel, and the announcement row
    for name, value in {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": database_url,
    }.items():
        monkeypatch.setenv(name, value)
    assert await asyncio.to_thread(main, ["workspace", "list"]) == 0
    listed = capsys.readouterr().out
    assert "TACME\tinstalled\t#CACME" in listed and "TBETA\tinstalled\tno team" in listed
    assert await asyncio.to_thread(main, ["workspace", "purge", "TACME"]) == 2
    assert "Nothing was deleted" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["workspace", "purge", "TACME", "--yes"]) == 0
    purged = capsys.readouterr().out
    assert "Purged TACME" in purged and "from announcement" in purged and "from checkin" in purged
    async with served.huddle.runtime.sessions() as session:
        assert [row.team_id for row in await workspaces.all_workspaces(session)] == ["TBETA"]
        assert "TACME" not in await workspaces.team_channels(session)
    assert await _bots(served) == [None]


async def test_the_setup_modal_refuses_what_it_cannot_set_up_and_changes_nothing(
    served: Served,
) -> None:
    await served.install("TACME")
    acme = served.slack.workspaces["TACME"]
    acme.add_channel("CNOBOT", members=["UANNA"], include_bot=False)
    refused = [
        await served.submit_setup("TACME", channel="CNOBOT"),
        await served.submit_setup("TACME", timezone="EST"),
        await served.submit_setup("TACME", goals="0"),
    ]
    errors = [json.loads(answer.text)["errors"] for answer in refused]
    assert "/invite @Huddle" in errors[0][CHANNEL_BLOCK]
    assert "EST" in errors[1][TIMEZONE_BLOCK]
    assert "1 to 1000" in errors[2][f"{GOAL_BLOCK_PREFIX}meeting"]
    assert list(await served.huddle.runtime.teams("TACME")) == []
    assert not [m for m in acme.dms_to("UANNA") if "is now a team" in m.text]

    await served.set_up("TACME")
    again = await served.submit_setup("TACME")
    assert "already a team" in json.loads(again.text)["errors"][CHANNEL_BLOCK]
    assert len(await served.huddle.runtime.teams("TACME")) == 1


async def test_huddle_setup_in_an_installed_workspace_makes_another_team(served: Served) -> None:
    await served.install("TACME")
    await served.set_up("TACME")
    acme = served.slack.workspaces["TACME"]
    acme.add_channel("CWEST", members=["UANNA", "UAB", acme.bot_user_id])
    async with served.users("TACME") as users:
        answer = await users.reply(
            await users.command("UANNA", "/huddle", "setup", channel_id="CWEST")
        )
    assert "is now a team" in answer.all_text
    teams = await served.huddle.runtime.teams("TACME")
    assert [t.channel for t in teams] == ["CACME", "CWEST"]
    assert list(await served.huddle.runtime.teams("TBETA")) == []
    assert served.slack.refused == []


async def test_a_token_slack_refuses_stops_the_workspace_without_the_event(served: Served) -> None:
    """The revocation event may never come: a tick whose sends Slack refuses for a dead
    token records the uninstall, and the next tick sends nothing there."""
    for team_id in TEAMS:
        await served.install(team_id)
        await served.set_up(team_id)
    served.slack.revoke("TACME")
    served.clock.set(THURSDAY_15)
    fleet = served.fleet()
    await fleet.tick()
    acme = served.slack.workspaces["TACME"]
    refused_before = len(served.slack.refused)
    assert refused_before
    async with served.huddle.runtime.sessions() as session:
        rows = {row.team_id: row for row in await workspaces.all_workspaces(session)}
    assert rows["TACME"].uninstalled_at is not None and rows["TBETA"].uninstalled_at is None
    calls_before = len(acme.calls)
    await fleet.tick()
    await settle()
    assert (len(served.slack.refused), len(acme.calls)) == (refused_before, calls_before)
    assert served.slack.workspaces["TBETA"].dms_to("UBZ")
