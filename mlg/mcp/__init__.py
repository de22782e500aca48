"""`mlg mcp`: the lifecycle graph as a Model Context Protocol server, for AI assistants.

    access.py     the graph, opened for each tool call
    answers.py    compact, bounded answers built from mlg's result objects (no SDK)
    tools.py      the tools: one `mlg.Graph` call each
    resources.py  mlg://schema and mlg://asset/{id}
    server.py     build_server(): the MCPServer with all of the above
    http.py       streamable HTTP on 127.0.0.1 behind the receiver's key rules

Needs the `mcp` extra (`pip install 'mlg[mcp]'`). Importing this package does not
import the SDK; its modules do.
"""

INSTALL_HINT = "the MCP server needs the mcp extra: pip install 'mlg[mcp]'"
