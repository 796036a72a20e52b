<?php
// PHP 8.2 ext/soap SoapClient (Debian php-soap) with default settings as a
// client of conform mock: every step prints one JSON line {step, ok, detail}.
// Usage: php client.php BASE_URL WSDL_QUERY [CALL_BASE_URL [invalid]]: the WSDLs
// come from BASE_URL (?wsdl or ?singleWsdl); calls go to the WSDL's address, or
// to CALL_BASE_URL (a conform proxy) when given. With "invalid", it also sends
// one GetAccessToken request that breaks the contract (IncludeCsSession=maybe).
$base = $argv[1]; $query = $argv[2]; $callBase = $argv[3] ?? null; $invalid = ($argv[4] ?? '') === 'invalid';
const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services88';
ini_set('soap.wsdl_cache_enabled', '0');

// Each value set is saved and must come back exact.
$VALUES = [
  'XML-special' => ['a & b < c > d', "tok&en<with>\"quotes\" and 'apostrophes'", '</RefreshToken><injected/>', '<![CDATA[x]]> &amp;'],
  'non-ASCII' => ['Ærøskøbing — 東京', 'токен-ключ-🔑', 'ñandú', '{"name":"Åsa Ødegård"}'],
  'CR/LF/TAB' => ["line1\r\nline2", "tab\there", "cr\ronly", "lf\nonly"],
  'edge spaces' => ['  leading', 'trailing  ', ' both ', '   '],
];

function step($name, $fn) {
  try { [$ok, $detail] = $fn(); } catch (Throwable $e) { [$ok, $detail] = [false, get_class($e) . ': ' . $e->getMessage()]; }
  echo json_encode(['step' => $name, 'ok' => (bool) $ok, 'detail' => $detail], JSON_UNESCAPED_UNICODE), "\n";
  return $ok;
}

function client($agent) {
  global $base, $query, $callBase;
  $opts = $callBase === null ? [] : ['location' => "$callBase/Remote/Services88/$agent.svc"];
  return new SoapClient("$base/Remote/Services88/$agent.svc$query", $opts);
}
$principal = client('SoPrincipal');
$user = client('User');
$custom = client('CustomObject');
$ticket = null;

function call($op, $params, $agent = null) {
  global $user, $ticket;
  $agent = $agent ?? $user;
  $agent->__setSoapHeaders([new SoapHeader(NS, 'Credentials', ['Ticket' => $ticket])]);
  $out = [];
  $r = $agent->__soapCall($op, [$params], null, null, $out);
  return [$out['Succeeded'] ?? null, $r->Response ?? null];
}

if (step('login', function () use ($principal, &$ticket) {
  $r = $principal->AuthenticateUsernamePassword(['UserName' => 'conform', 'Password' => 'conform-password']);
  $ticket = $r->Credentials->Ticket ?? null;
  return [$r->AuthenticationSucceeded === true, 'AuthenticationSucceeded=' . var_export($r->AuthenticationSucceeded, true)];
})) {
  step('GetAccessToken', function () {
    [$ok, $tok] = call('GetAccessToken', ['IncludeCsSession' => false]);
    return [$ok === true && $tok != '', 'Succeeded=' . var_export($ok, true) . ', a token of ' . strlen((string) $tok) . ' bytes'];
  });
  foreach ($VALUES as $name => $values) {
    step("round trip, $name", function () use ($values) {
      $info = array_combine(['Provider', 'AccessToken', 'RefreshToken', 'Claims'], $values);
      [$ok, $key] = call('SaveExternalTokens', ['TokenManagementInfo' => $info]);
      if ($ok !== true || $key == '') return [false, 'SaveExternalTokens: Succeeded=' . var_export($ok, true)];
      [$ok, $got] = call('GetExternalTokens', ['Key' => $key]);
      $back = $got ? [$got->Provider ?? null, $got->AccessToken ?? null, $got->RefreshToken ?? null, $got->Claims ?? null] : null;
      return [$ok === true && $back === $values, 'sent ' . json_encode($values, JSON_UNESCAPED_UNICODE) . ', got ' . json_encode($back, JSON_UNESCAPED_UNICODE)];
    });
  }
  step('unknown key', function () {
    [$ok, $got] = call('GetExternalTokens', ['Key' => 'no-such-key']);
    return [$ok === true && $got === null, 'Succeeded=' . var_export($ok, true) . ', Response=' . var_export($got, true)];
  });
  // A custom object of another agent than User, saved and read back exactly.
  step('CustomObject round trip', function () use ($custom) {
    $pairs = [['name', 'drill & <bit> ✓'], ['note', "line1\r\nline2"], ['empty', null]];
    $row = ['DefinitionName' => 'y_equipment', 'Id' => 0, 'Values' => ['StringKeyValuePair' => array_map(fn($p) => ['Key' => $p[0], 'Value' => $p[1]], $pairs)]];
    [$ok, $saved] = call('SaveCustomObject', ['DefinitionName' => 'y_equipment', 'Row' => $row], $custom);
    if ($ok !== true || !$saved || !$saved->Id) return [false, 'SaveCustomObject: Succeeded=' . var_export($ok, true)];
    [$ok, $got] = call('GetCustomObject', ['DefinitionName' => 'y_equipment', 'Id' => $saved->Id], $custom);
    $list = $got->Values->StringKeyValuePair ?? [];
    if (!is_array($list)) $list = [$list];
    $back = array_map(fn($p) => [$p->Key, $p->Value ?? null], $list);
    return [$ok === true && $got->Id === $saved->Id && $back === $pairs, "saved as {$saved->Id}, sent " . json_encode($pairs, JSON_UNESCAPED_UNICODE) . ', got ' . json_encode($back, JSON_UNESCAPED_UNICODE)];
  });
}
if ($invalid) {
  // A raw request, as a hand-built client might send it: a wrong boolean.
  step('invalid request', function () use ($user, &$ticket) {
    $ns = NS;
    $xml = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
      . "<Credentials xmlns=\"$ns\"><Ticket>" . htmlspecialchars($ticket) . '</Ticket></Credentials></s:Header><s:Body>'
      . "<GetAccessToken xmlns=\"$ns\"><IncludeCsSession>maybe</IncludeCsSession></GetAccessToken></s:Body></s:Envelope>";
    $loc = $GLOBALS['callBase'] ?? $GLOBALS['base'];
    $out = $user->__doRequest($xml, "$loc/Remote/Services88/User.svc", "http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetAccessToken", 1);
    return [$out !== null && $out !== '', 'the call went through and was answered (' . strlen((string) $out) . ' bytes)'];
  });
}
