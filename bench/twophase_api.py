"""Reads from the service's API with a bearer token, for the scripts in bench/.

The token (reader or submitter) comes from $TWOPHASE_TOKEN, else from data/api-token.
"""
import json
import os
import urllib.request


def token():
    if os.environ.get("TWOPHASE_TOKEN"):
        return os.environ["TWOPHASE_TOKEN"].strip()
    with open("data/api-token") as f:
        return f.read().strip()


def fetcher(base):
    """A function path -> the bytes of GET base + path (an SVG, a CSV, a JSON body kept as is)."""
    def fetch(path):
        request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token()})
        with urllib.request.urlopen(request) as response:
            return response.read()
    return fetch


def getter(base):
    """A function path -> parsed JSON of GET base + path."""
    fetch = fetcher(base)
    return lambda path: json.loads(fetch(path))
