package model

import (
	"fmt"
	"testing"
)

// Without slots= or the slots option a server-template holds twice the
// replicas, and at least SlotBudget spread over the services (MinSlots to
// DefaultSlots); the option is a floor that replicas raise one for one.
func TestSlotsAreSizedByReplicasAndTheNumberOfServices(t *testing.T) {
	for _, tc := range []struct {
		name            string
		services        int
		slots, replicas int
		want            int
		wantDiagnostics int
	}{
		{"a small project keeps room to scale", 3, 0, 0, DefaultSlots, 0},
		{"replicas count twice", 3, 0, 8, 16, 0},
		{"a large project gets the budget's share", 1000, 0, 0, MinSlots, 0},
		{"the share at 400 services", 400, 0, 0, 5, 0},
		{"replicas in a large project", 1000, 0, 3, 6, 0},
		{"twice the replicas stops at the cap", 3, 0, 3000, MaxSlots, 0},
		{"replicas over the cap warn", 3, 0, MaxSlots + 1, MaxSlots, 1},
		{"the option is a floor", 1000, 10, 0, 10, 0},
		{"replicas raise the option one for one", 3, 5, 8, 8, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var services []Service
			for i := range tc.services {
				s := svc(fmt.Sprintf("s%d", i), map[string]string{"SERVICE_NAME": fmt.Sprintf("s%d", i)}, 80)
				if i == 0 {
					s.Replicas = tc.replicas
				}
				services = append(services, s)
			}
			cfg, msgs := build(t, Options{Slots: tc.slots}, services...)
			if len(msgs) != tc.wantDiagnostics {
				t.Fatalf("diagnostics %q, want %d", msgs, tc.wantDiagnostics)
			}
			for _, b := range cfg.Backends {
				if b.Service == "s0" && b.Servers.Slots != tc.want {
					t.Errorf("%d slots, want %d", b.Servers.Slots, tc.want)
				}
			}
		})
	}
}
