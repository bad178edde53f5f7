"""Storing check-ins in groups: one transaction for every check-in that arrived while
the previous group was being written (``bot.runtime.batching.Batcher`` does the grouping).

Per team in the group, a fixed number of statements: lock the reps, read their last
30 seconds of check-ins (the repeat guard), insert the new ones, load the weeks their
progress is judged on. The repeat guard also holds inside a group: the second of two
identical check-ins in one group is a repeat of the first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.weeks import week_start
from storage import queries
from storage.deadline import CommitPoint
from storage.models import CheckIn
from storage.queries import REPEAT_WINDOW, WeeksData


@dataclass(frozen=True)
class Pending:
    candidate: CheckIn
    allow_repeat: bool
    """**Log it again**: store even an exact repeat."""
    commit: CommitPoint | None = None
    """Told just before the group's COMMIT; a caller that gave up at its deadline
    refuses there, and then the whole group rolls back (nothing of it is stored)."""


@dataclass(frozen=True)
class Stored:
    checkin: CheckIn
    """The new row, or for a repeat the identical one logged moments ago."""
    repeat: bool
    totals: Mapping[str, int]
    """The rep's totals per activity for the check-in's week as of this check-in: as
    if the group had been stored one check-in at a time, in order."""
    weeks: WeeksData
    """Goal history and away periods for the group's reps and weeks."""


def _same(a: CheckIn, b: CheckIn) -> bool:
    return (a.user_id, a.activity, a.count, a.day, a.note) == (
        b.user_id,
        b.activity,
        b.count,
        b.day,
        b.note,
    )


def _repeat_of(candidate: CheckIn, recent: Sequence[CheckIn]) -> CheckIn | None:
    since = candidate.created_at - REPEAT_WINDOW
    return next((c for c in recent if c.created_at > since and _same(c, candidate)), None)


async def store(session: AsyncSession, group: Sequence[Pending]) -> list[Stored]:
    """Store a group in the caller's transaction, which commits right after; one result
    per item, in order."""
    by_team: dict[str, list[int]] = defaultdict(list)
    for index, pending in enumerate(group):
        by_team[pending.candidate.team_id].append(index)
    stored: dict[int, Stored] = {}
    for team_id, indexes in by_team.items():
        items = [group[i] for i in indexes]
        users = {p.candidate.user_id for p in items}
        await queries.lock_reps(session, team_id, users)
        since = min(p.candidate.created_at for p in items) - REPEAT_WINDOW
        recent: dict[str, list[CheckIn]] = defaultdict(list)
        candidates = [p.candidate for p in items if not p.allow_repeat]
        for row in await queries.earlier_same(session, team_id, candidates, since):
            recent[row.user_id].append(row)
        fresh: list[CheckIn] = []
        decided: list[tuple[CheckIn, bool]] = []
        for pending in items:
            candidate = pending.candidate
            previous = (
                None if pending.allow_repeat else _repeat_of(candidate, recent[candidate.user_id])
            )
            if previous is None:
                fresh.append(candidate)
                recent[candidate.user_id].append(candidate)
            decided.append((previous or candidate, previous is not None))
        await queries.insert_checkins(session, fresh)
        weeks = [week_start(p.candidate.day) for p in items]
        data = await queries.load_weeks(session, team_id, users, min(weeks), max(weeks))
        later: Counter[tuple[str, date, str]] = Counter()
        for index, (checkin, repeat) in reversed(list(zip(indexes, decided, strict=True))):
            candidate = group[index].candidate
            week = week_start(candidate.day)
            totals = {
                activity: total - later[(candidate.user_id, week, activity)]
                for activity, total in data.totals.get((candidate.user_id, week), {}).items()
            }
            stored[index] = Stored(checkin, repeat, totals, data)
            if not repeat:
                later[(candidate.user_id, week, candidate.activity)] += candidate.count
    for pending in group:
        if pending.commit is not None:
            pending.commit.reach()
    return [stored[i] for i in range(len(group))]
