"""The pure parsers behind the commands and the modal: no I/O, no clock."""
