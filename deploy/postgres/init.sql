-- Each service owns its database; all of them live on this one server.
CREATE DATABASE casino;
CREATE DATABASE provider;
-- The demo's second provider (compose service provider-acme).
CREATE DATABASE provider_acme;
