module gomod-chaos.example/go-floor

go 1.22
