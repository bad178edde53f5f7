"""A rep is judged from the day they joined the team's channel, never for weeks before
it, however long they were in the workspace (SPEC, People), and their first week is
prorated by the workdays left. Everything is read where users read it: the digest,
/progress and the Thursday nudge."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, Running, settle

NY = ZoneInfo(TEAM_TZ)
TUESDAY_JOIN = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
"""The week after the team was set up (the fixture starts Thu 26 Nov)."""


async def test_a_rep_who_joins_on_tuesday_is_judged_from_that_day(running: Running) -> None:
    # Olive has been in the workspace all along (the start-up sync knows her).
    running.clock.set(TUESDAY_JOIN)
    await running.users.member_joined_channel("UOUTSIDER", CHANNEL)
    await settle()

    running.clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=NY))  # Thursday's nudge
    await running.ticker().tick()
    [nudge] = running.slack.dms_to("UOUTSIDER")
    assert "5 meetings to go (0 of 5)" in nudge.all_text  # 6 prorated to 4 of 5 days
    assert "prorated" in nudge.all_text

    reply = await running.users.reply(
        await running.users.command("UALICE", "/progress", "<@UOUTSIDER|olive>")
    )
    assert "❌" not in reply.all_text  # no week before she joined is a miss

    running.clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=NY))  # Friday's digest
    await running.ticker().tick()
    digest = "\n".join(m.all_text for m in running.slack.dms_to(MANAGER))
    olive = next(line for line in digest.splitlines() if "Olive" in line)
    assert "missed 1 of the last 4 weeks" in olive
