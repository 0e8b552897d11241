module gomod-chaos.example/relay-client

go 1.22
