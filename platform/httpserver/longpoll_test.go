package httpserver_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform/storetest"
	"tongban/sync/protocol"
)

// pollResult is what a long poll run in a goroutine answered.
type pollResult struct {
	status int
	body   []byte
	pull   protocol.PullResponse
	at     time.Time
	err    error
}

// longPoll starts GET baseURL/v1/pull?cursor=…&wait=… for c and returns
// the channel its answer arrives on (no require in the goroutine).
func longPoll(c *client, baseURL, cursor string, wait int) <-chan pollResult {
	out := make(chan pollResult, 1)
	go func() {
		var r pollResult
		defer func() { r.at = time.Now(); out <- r }()
		req, err := http.NewRequest("GET", fmt.Sprintf("%s/v1/pull?cursor=%s&wait=%d", baseURL, cursor, wait), nil)
		if err != nil {
			r.err = err
			return
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			r.err = err
			return
		}
		defer resp.Body.Close()
		r.status = resp.StatusCode
		if r.body, r.err = io.ReadAll(resp.Body); r.err == nil && r.status == 200 {
			r.err = json.Unmarshal(r.body, &r.pull)
		}
	}()
	return out
}

// emptyCursor pulls c's scope to its end and returns the cursor.
func emptyCursor(t *testing.T, c *client) string {
	var p protocol.PullResponse
	c.call("GET", "/v1/pull", nil, nil, 200, &p)
	require.False(t, p.More)
	return p.Cursor
}

// TestLongPollWakesOnPush: B waits on an empty pull; a push by A of a case
// routed to B wakes it within about a second, with the case; a push by an
// unrelated hall does not end the wait.
func TestLongPollWakesOnPush(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	b := e.device(storetest.PlaceB.Code)
	c := e.device(storetest.PlaceC.Code)
	cur := emptyCursor(t, b)

	started := time.Now()
	res := longPoll(b, e.ts.URL, cur, 20)
	time.Sleep(400 * time.Millisecond)
	// Out of B's scope: the watcher wakes B's wait, B re-reads and waits on.
	other := newCase(c, storetest.PlaceC.Code)
	c.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{other}}, 200, nil)
	time.Sleep(700 * time.Millisecond)
	select {
	case r := <-res:
		t.Fatalf("the wait ended on a change outside B's scope: %d %s", r.status, r.body)
	default:
	}
	cs := newCase(a, storetest.PlaceB.Code)
	pushed := time.Now()
	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}}, 200, nil)
	var r pollResult
	select {
	case r = <-res:
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll did not wake within 5 s of the push")
	}
	require.NoError(t, r.err)
	require.Equal(t, 200, r.status, "%s", r.body)
	require.NoError(t, e.spec.validateResponse("GET", "/v1/pull", r.status, "application/json", r.body))
	require.Len(t, r.pull.Cases, 1)
	assert.Equal(t, cs.ID, r.pull.Cases[0].ID)
	woke := r.at.Sub(pushed)
	t.Logf("woke %s after the push (waited %s in all)", woke, r.at.Sub(started))
	assert.Less(t, woke, time.Second+200*time.Millisecond, "waiter woke too late")
	assert.NotEqual(t, cur, r.pull.Cursor)
}

// TestLongPollEndsEmpty: with nothing new the wait ends after wait seconds
// with an empty batch that continues from the same place; something
// already there answers at once; a bad wait is a 400.
func TestLongPollEndsEmpty(t *testing.T) {
	e := newEnv(t)
	a := e.device(storetest.PlaceA.Code)
	cur := emptyCursor(t, a)
	t0 := time.Now()
	r := <-longPoll(a, e.ts.URL, cur, 1)
	require.NoError(t, r.err)
	require.Equal(t, 200, r.status)
	el := time.Since(t0)
	assert.GreaterOrEqual(t, el, 900*time.Millisecond)
	assert.Less(t, el, 3*time.Second)
	assert.True(t, r.pull.Empty())
	assert.Equal(t, cur, r.pull.Cursor, "nothing happened: same position")

	a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{newCase(a, storetest.PlaceA.Code)}}, 200, nil)
	t0 = time.Now()
	r = <-longPoll(a, e.ts.URL, cur, 20)
	require.NoError(t, r.err)
	assert.Len(t, r.pull.Cases, 1)
	assert.Less(t, time.Since(t0), time.Second, "something new answers at once")

	for _, w := range []string{"-1", "x", "1.5"} {
		var eb protocol.ErrorBody
		a.call("GET", "/v1/pull?wait="+w, nil, nil, 400, &eb)
		assert.Equal(t, "wait", eb.Error.Field)
	}
}

// TestLongPollTwoNodesOnPostgres: B waits on node 2 while A pushes through
// node 1; node 2's watcher sees the new sequence in the shared database.
func TestLongPollTwoNodesOnPostgres(t *testing.T) {
	first, urls := twoNodesOnPostgres(t)
	a := first.device(storetest.PlaceA.Code)
	b := first.device(storetest.PlaceB.Code)
	cur := emptyCursor(t, b)
	for i := range 3 {
		res := longPoll(b, urls[1], cur, 20)
		time.Sleep(300 * time.Millisecond)
		cs := newCase(a, storetest.PlaceB.Code)
		pushed := time.Now()
		a.call("POST", "/v1/push", nil, protocol.PushRequest{Cases: []protocol.Case{cs}}, 200, nil)
		var r pollResult
		select {
		case r = <-res:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: node 2's long poll did not wake within 5 s of a push on node 1", i)
		}
		require.NoError(t, r.err)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.Len(t, r.pull.Cases, 1)
		assert.Equal(t, cs.ID, r.pull.Cases[0].ID)
		t.Logf("round %d: woke %s after the push", i, r.at.Sub(pushed))
		assert.Less(t, r.at.Sub(pushed), time.Second+200*time.Millisecond)
		cur = r.pull.Cursor
	}
}
