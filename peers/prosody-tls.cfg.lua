-- Prosody 0.12 for a.test and c.test with TLS on s2s (the TLS interop tests only; the plain
-- setup is prosody.cfg.lua). Certificates are made at test time into @WORK_DIR@/certs:
-- a.test's own, and the test CA that also signed the bridge's.
-- @WORK_DIR@ is replaced by the per-run directory; everything Prosody writes lives there.
-- Only a.test is peered with the bridge; c.test is an unconfigured domain whose s2s
-- stream the bridge must refuse.

run_as_root = true
pidfile = "@WORK_DIR@/prosody/prosody.pid"
data_path = "@WORK_DIR@/prosody/data"
log = { { levels = { min = "debug" }, to = "file", filename = "@WORK_DIR@/prosody/prosody.log" } }

-- Explicit loopback binds, never the wildcard, so the bridge can own 127.0.0.2:5269.
interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { 5222 }
s2s_interfaces = { "127.0.0.1" }
s2s_ports = { 5269 }
legacy_ssl_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }

-- lua-unbound ignores /etc/hosts unless told; the test domains only exist there.
unbound = { hoststxt = true }

modules_enabled = {
  "roster"; "saslauth"; "disco"; "ping"; "dialback"; "tls"; "presence"; "message"; "iq";
}
modules_disabled = { "s2s_bidi"; }

ssl = {
  certificate = "@WORK_DIR@/certs/a.test.crt";
  key = "@WORK_DIR@/certs/a.test.key";
  cafile = "@WORK_DIR@/certs/ca.pem";
}

-- The test clients connect without STARTTLS; only s2s is encrypted.
c2s_require_encryption = false
s2s_require_encryption = true
-- true: the bridge must present a certificate valid for b.test (SASL EXTERNAL); false: dialback over TLS.
s2s_secure_auth = @S2S_SECURE_AUTH@
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "internal"
s2s_timeout = 10

VirtualHost "a.test"
VirtualHost "c.test"
