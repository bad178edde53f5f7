"""The serving edge: the Bolt app factory, the request gate, event de-duplication, the
server and the command line. The only floor that imports :mod:`commands`."""
