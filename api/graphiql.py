"""GraphiQL served by the project itself (assets vendored in api/static/graphiql/).

The page asks for an API key or access token first and keeps it in the browser's localStorage;
GraphiQL is mounted only then, so its schema fetch already carries the Authorization header.
Changing the key mounts it again, which fetches the schema with the new key.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).parent / "static" / "graphiql"
ASSETS_URL = "/graphiql/assets"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>PartnerGraph GraphiQL</title>
  <link rel="stylesheet" href="{assets}/graphiql.min.css">
  <style>
    html, body {{ height: 100%; margin: 0; font-family: system-ui, sans-serif; }}
    body {{ display: flex; flex-direction: column; }}
    #pg-auth {{ display: flex; gap: 8px; align-items: center; padding: 6px 12px;
               border-bottom: 1px solid #ddd; font-size: 14px; }}
    #pg-key {{ flex: 1; max-width: 520px; padding: 4px 6px; font-family: monospace; }}
    #graphiql {{ flex: 1; min-height: 0; }}
    #pg-hint {{ padding: 24px; color: #555; }}
  </style>
</head>
<body>
  <form id="pg-auth" autocomplete="off">
    <label for="pg-key">API key or access token</label>
    <input id="pg-key" name="key" type="password" placeholder="pgk_... or a JWT">
    <button id="pg-use" type="submit">Use</button>
    <button id="pg-forget" type="button">Forget</button>
    <span id="pg-status"></span>
  </form>
  <div id="graphiql"><p id="pg-hint">Enter an API key (or an access token) above: the schema
    is fetched with it. It is kept in this browser's localStorage only.</p></div>
  <script src="{assets}/react.production.min.js"></script>
  <script src="{assets}/react-dom.production.min.js"></script>
  <script src="{assets}/graphiql.min.js"></script>
  <script>
    (function () {{
      var STORAGE = "partnergraph:authorization";
      var root = ReactDOM.createRoot(document.getElementById("graphiql"));
      var form = document.getElementById("pg-auth");
      var input = document.getElementById("pg-key");
      var status = document.getElementById("pg-status");
      var mounts = 0;
      function mount() {{
        var key = localStorage.getItem(STORAGE) || "";
        input.value = key;
        if (!key) {{
          status.textContent = "no key";
          return;
        }}
        status.textContent = "using the stored key";
        mounts += 1;
        var fetcher = GraphiQL.createFetcher({{
          url: window.location.pathname,
          headers: {{ Authorization: "Bearer " + key }}
        }});
        root.render(React.createElement(GraphiQL, {{ key: mounts, fetcher: fetcher }}));
      }}
      form.addEventListener("submit", function (event) {{
        event.preventDefault();
        localStorage.setItem(STORAGE, input.value.trim());
        mount();
      }});
      document.getElementById("pg-forget").addEventListener("click", function () {{
        localStorage.removeItem(STORAGE);
        window.location.reload();
      }});
      mount();
    }})();
  </script>
</body>
</html>
"""


def graphiql_page() -> str:
    """The GraphiQL page, loading only assets this server serves."""
    return PAGE.format(assets=ASSETS_URL)


def graphiql_assets() -> Mount:
    """The vendored GraphiQL, React and ReactDOM files."""
    return Mount(ASSETS_URL, app=StaticFiles(directory=ASSETS), name="graphiql-assets")
