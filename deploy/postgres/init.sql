-- Each service owns its database; both live on this one server.
CREATE DATABASE casino;
CREATE DATABASE provider;
