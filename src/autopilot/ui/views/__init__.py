"""The console's views: one module per screen, each function a request handler taking the `Desk`.

`autopilot.ui.server` maps URLs to them through its route table (`ROUTES`); a view reads the
request, changes the `Desk` and renders or redirects, never touching the browser.
"""
