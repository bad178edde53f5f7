"""The pure domain: activities, weeks, goals and verdicts, schedule windows, settings
and the check-in value. Imports nothing else of Huddle's, does no I/O and reads no
clock, so every rule about a rep's week can be tested (and mutation-tested) alone."""
