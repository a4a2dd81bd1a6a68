"""The back office over HTTP: a Starlette app that uvicorn serves with several worker
processes."""
