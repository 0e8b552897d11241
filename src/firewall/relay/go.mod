module gomod-chaos.example/firewall-relay

go 1.22
