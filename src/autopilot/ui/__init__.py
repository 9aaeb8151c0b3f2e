"""The mediator's console: the launcher, the citizen's form, the visit and the end of a démarche.

A small local web application (Flask, 127.0.0.1, an unguessable token in every URL) shown in
the same browser window as the teleservices; the démarches themselves run in that window under
the in-page panel (`autopilot.engine.panel`). See `console.Console` for how the two meet.
"""
