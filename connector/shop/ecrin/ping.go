package ecrin

import (
	"context"
	"encoding/json"
	"fmt"
)

// Ping checks in one signed request that the shop answers, knows the boutique and
// agrees on the time; ecrin check uses it.
func (c *Client) Ping(ctx context.Context) error {
	ans, err := c.call(ctx, "GET", "/v1/ping", nil, nil, nil)
	if err != nil {
		return fmt.Errorf("ping shop %s: %w", c.where, err)
	}
	var p struct {
		Boutique string `json:"boutique"`
	}
	if err := json.Unmarshal(ans.body, &p); err != nil {
		return fmt.Errorf("ping shop %s: read answer: %w", c.where, err)
	}
	if p.Boutique != c.cfg.Boutique {
		return fmt.Errorf("ping shop %s: it answers for boutique %q, not %q", c.where, p.Boutique, c.cfg.Boutique)
	}
	return nil
}
