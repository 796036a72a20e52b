"""python3-zeep 4.2.1 (Debian) with default settings as a client of
conform mock: every step prints one JSON line {"step", "ok", "detail"}.
Usage: client.py BASE_URL WSDL_QUERY [CALL_BASE_URL]: the WSDLs come from
BASE_URL (?wsdl or ?singleWsdl); calls go to the WSDL's address, or to
CALL_BASE_URL (a conform proxy) when given."""
import json
import sys

import zeep

base, query = sys.argv[1], sys.argv[2]
call_base = sys.argv[3] if len(sys.argv) > 3 else None
NS = "http://www.superoffice.net/ws/crm/NetServer/Services88"

# Each value set is saved and must come back exact.
VALUES = {
    "XML-special": ("a & b < c > d", "tok&en<with>\"quotes\" and 'apostrophes'", "</RefreshToken><injected/>", "<![CDATA[x]]> &amp;"),
    "non-ASCII": ("Ærøskøbing — 東京", "токен-ключ-🔑", "ñandú", "{\"name\":\"Åsa Ødegård\"}"),
    "CR/LF/TAB": ("line1\r\nline2", "tab\there", "cr\ronly", "lf\nonly"),
    "edge spaces": ("  leading", "trailing  ", " both ", "   "),
}


def step(name, fn):
    try:
        ok, detail = fn()
    except Exception as e:  # a SOAP fault or transport error is a failed step
        ok, detail = False, "%s: %s" % (type(e).__name__, e)
    print(json.dumps({"step": name, "ok": bool(ok), "detail": detail}), flush=True)
    return ok


def service(agent):
    client = zeep.Client(base + "/Remote/Services88/" + agent + ".svc" + query)
    if call_base is None:
        return client.service
    return client.create_service("{%s}BasicHttpBinding_%s" % (NS, agent), call_base + "/Remote/Services88/" + agent + ".svc")


class Agent:
    def __init__(self, name):
        self.service = service(name)


principal = Agent("SoPrincipal")
user = Agent("User")
custom = Agent("CustomObject")
state = {}


def login():
    r = principal.service.AuthenticateUsernamePassword(UserName="conform", Password="conform-password")
    body = r["body"] if "body" in r else r
    state["ticket"] = body["Credentials"]["Ticket"]
    return body["AuthenticationSucceeded"] is True, "AuthenticationSucceeded=%s" % body["AuthenticationSucceeded"]


def call(op, agent=user, **kw):
    r = getattr(agent.service, op)(_soapheaders={"Credentials": {"Ticket": state["ticket"]}}, **kw)
    return r["header"]["Succeeded"], r["body"]["Response"]


# A custom object of another agent than User, saved and read back exactly.
PAIRS = [("name", "drill & <bit> ✓"), ("note", "line1\r\nline2"), ("empty", None)]


def custom_object():
    row = {"DefinitionName": "y_equipment", "Id": 0,
           "Values": {"StringKeyValuePair": [{"Key": k, "Value": v} for k, v in PAIRS]}}
    ok, saved = call("SaveCustomObject", custom, DefinitionName="y_equipment", Row=row)
    if ok is not True or not saved or not saved["Id"]:
        return False, "SaveCustomObject: Succeeded=%s, Response=%r" % (ok, saved)
    ok, got = call("GetCustomObject", custom, DefinitionName="y_equipment", Id=saved["Id"])
    back = [(p["Key"], p["Value"]) for p in got["Values"]["StringKeyValuePair"]] if got else None
    same = ok is True and got["Id"] == saved["Id"] and back == PAIRS
    return same, "saved as %s, sent %r, got %r" % (saved["Id"], PAIRS, back)


def access_token():
    ok, tok = call("GetAccessToken", IncludeCsSession=False)
    return ok is True and bool(tok), "Succeeded=%s, a token of %d characters" % (ok, len(tok or ""))


def round_trip(values):
    def run():
        info = dict(zip(("Provider", "AccessToken", "RefreshToken", "Claims"), values))
        ok, key = call("SaveExternalTokens", TokenManagementInfo=info)
        if ok is not True or not key:
            return False, "SaveExternalTokens: Succeeded=%s" % ok
        ok, got = call("GetExternalTokens", Key=key)
        back = tuple(got[k] for k in ("Provider", "AccessToken", "RefreshToken", "Claims")) if got else None
        return ok is True and back == values, "sent %r, got %r" % (values, back)
    return run


def unknown_key():
    ok, got = call("GetExternalTokens", Key="no-such-key")
    # zeep shows an xsi:nil complex element as an object whose fields are all None.
    nil = got is None or all(got[k] is None for k in got)
    return ok is True and nil, "Succeeded=%s, Response=%r" % (ok, got)


if step("login", login):
    step("GetAccessToken", access_token)
    for name, values in VALUES.items():
        step("round trip, " + name, round_trip(values))
    step("unknown key", unknown_key)
    step("CustomObject round trip", custom_object)
