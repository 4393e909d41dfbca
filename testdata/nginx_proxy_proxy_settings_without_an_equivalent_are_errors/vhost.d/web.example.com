client_max_body_size 100m;
