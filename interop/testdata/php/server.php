<?php
// PHP 8.2 ext/soap SoapServer (Debian php-soap), WSDL mode, as a NetServer peer:
// the seed operations as the SuperOffice documentation describes them, every
// declared output header present (ext/soap writes an empty element for null).
// Run: PEER_WSDL_DIR=DIR php -S 127.0.0.1:PORT server.php
ini_set('soap.wsdl_cache_enabled', '0');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (!preg_match('#^/Remote/Services88/(User|SoPrincipal)\.svc$#', $path, $m)) { http_response_code(404); echo "no such service"; return true; }
$svc = $m[1];
$wsdl = getenv("PEER_WSDL_DIR") . "/$svc/service.wsdl";
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
  $self = "http://" . $_SERVER['HTTP_HOST'] . $path;
  header('Content-Type: text/xml; charset=utf-8');
  echo preg_replace('#location="[^"]*"#', 'location="' . $self . '"', file_get_contents($wsdl));
  return true;
}
const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services88';
$store = getenv("PEER_STORE");
class Peer {
  public $ticket = null; public $server;
  function __construct($s) { $this->server = $s; }
  function Credentials($c) { $this->ticket = $c->Ticket ?? null; }
  function ApplicationToken($t) {}
  function TimeZone($t) {}
  function headers($ok, $exc = null) {
    $this->server->addSoapHeader(new SoapHeader(NS, 'ExceptionInfo', $exc));
    $this->server->addSoapHeader(new SoapHeader(NS, 'ExtraInfo', null));
    $this->server->addSoapHeader(new SoapHeader(NS, 'Succeeded', $ok));
    $this->server->addSoapHeader(new SoapHeader(NS, 'TimeZone', null));
  }
  function AuthenticateUsernamePassword($p) {
    $this->headers(true);
    if ($p->UserName === 'conform' && $p->Password === 'conform-password') {
      return ['Response' => ['Associate' => 'conform', 'AssociateId' => 1], 'Credentials' => ['Ticket' => '7T:php' . bin2hex(random_bytes(8))], 'AuthenticationSucceeded' => true];
    }
    return ['AuthenticationSucceeded' => false];
  }
  function load() { global $store; return is_file($store) ? json_decode(file_get_contents($store), true) : []; }
  function save($all) { global $store; file_put_contents($store, json_encode($all)); }
  function authorized() {
    if ($this->ticket === null || $this->ticket === '') { $this->headers(false, ['Message' => 'no ticket in the Credentials header', 'ExceptionType' => 'NotAuthenticatedException']); return false; }
    if (strpos($this->ticket, '7T:php') !== 0) { $this->headers(false, ['Message' => 'the ticket is not valid', 'ExceptionType' => 'InvalidTicketException']); return false; }
    $this->headers(true); return true;
  }
  function SaveExternalTokens($p) {
    if (!$this->authorized()) return ['Response' => null];
    $i = $p->TokenManagementInfo ?? null; $key = bin2hex(random_bytes(16)); $all = $this->load();
    $all[$key] = ['Provider' => $i->Provider ?? null, 'AccessToken' => $i->AccessToken ?? null, 'RefreshToken' => $i->RefreshToken ?? null, 'Claims' => $i->Claims ?? null];
    $this->save($all); return ['Response' => $key];
  }
  function DecryptAndSaveExternalTokens($p) { return $this->SaveExternalTokens($p); }
  function GetExternalTokens($p) {
    if (!$this->authorized()) return ['Response' => null];
    $all = $this->load(); $k = $p->Key ?? '';
    if (!isset($all[$k])) return ['Response' => null];
    return ['Response' => $all[$k]];
  }
  function GetAccessToken($p) {
    if (!$this->authorized()) return ['Response' => null];
    return ['Response' => '8A:php' . bin2hex(random_bytes(8))];
  }
}
$server = new SoapServer($wsdl, ['cache_wsdl' => WSDL_CACHE_NONE]);
$server->setObject(new Peer($server));
$server->handle();
return true;
