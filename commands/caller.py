"""The person behind a command or a button, and the answer every manager-only action
gives anyone else."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.live.updates import LiveUpdates
from bot.messages import Message
from bot.messages.checkin import notice
from bot.runtime import Runtime
from bot.team.roster import known_person
from storage import people
from storage.models import Person


@dataclass(frozen=True)
class Caller:
    """Who typed a command or pressed a button, in which workspace, with what the
    answer needs."""

    live: LiveUpdates
    client: AsyncWebClient
    team_id: str
    person: Person

    @property
    def runtime(self) -> Runtime:
        return self.live.runtime

    @property
    def manager(self) -> bool:
        return is_manager(self.runtime, self.person)

    async def person_named(self, user_id: str) -> Person:
        if user_id == self.person.user_id:
            return self.person
        return await known_person(self.runtime, self.client, self.team_id, user_id, user_id)


async def refusal(caller: Caller, what: str) -> Message:
    """``Only managers can …``, naming who the managers are. Every manager-only action
    answers a rep with this, whichever way it arrived (command, App Home button)."""
    async with caller.runtime.sessions() as session:
        stored = await people.stored_managers(session, caller.team_id)
        ids = sorted(caller.runtime.settings.managers) + [
            u for u in stored if u not in caller.runtime.settings.managers
        ]
        names = await people.display_names(session, caller.team_id, ids)
    who = ", ".join(names.get(u, u) for u in ids)
    suffix = f" Ask a manager ({who})." if who else ""
    return notice(f"Only managers can {what}.{suffix} Nothing was changed.")
