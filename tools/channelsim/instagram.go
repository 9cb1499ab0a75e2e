package channelsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Graph API limits the simulator enforces, as Instagram does.
const (
	igCaptionLimit  = 2200
	igHashtagLimit  = 30
	igContainerLife = 24 * time.Hour
	igQuotaWindow   = 24 * time.Hour
)

// graphErr is the Graph API's error shape.
func graphErr(code, subcode int, typ, msg string, transient bool) map[string]any {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "SIMULATED"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	if transient {
		e["is_transient"] = true
	}
	return map[string]any{"error": e}
}

func graphBad(code, subcode int, msg string) reply {
	return reply{status: http.StatusBadRequest, body: graphErr(code, subcode, "OAuthException", msg, false)}
}

func graphUnsupported(method, id string) reply {
	return reply{status: http.StatusBadRequest, body: graphErr(100, 33, "GraphMethodException", fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
		strings.ToLower(method), id), false)}
}

// instagram answers the Graph API content-publishing and insights calls.
// Called with s.mu held.
func (s *Sim) instagram(rest string, r *http.Request, body []byte) reply {
	params := r.URL.Query()
	if r.Method == http.MethodPost && len(body) > 0 {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				return graphBad(100, 0, "Invalid JSON body: "+err.Error())
			}
			for k, v := range m {
				params.Set(k, fmt.Sprint(v))
			}
		} else {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return graphBad(100, 0, "Malformed form body: "+err.Error())
			}
			for k, vs := range form {
				params[k] = vs
			}
		}
	}
	token := params.Get("access_token")
	if token == "" {
		auth := r.Header.Get("Authorization")
		if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
			token = t
		} else if t, ok := strings.CutPrefix(auth, "OAuth "); ok {
			token = t
		}
	}
	if strings.TrimSpace(token) == "" {
		return graphBad(104, 0, "An access token is required to request this resource.")
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) == 0 || segs[0] == "" {
		return graphUnsupported(r.Method, "")
	}
	switch {
	case len(segs) == 2 && segs[1] == "content_publishing_limit" && r.Method == http.MethodGet:
		return s.igLimit()
	case len(segs) == 2 && segs[1] == "media" && r.Method == http.MethodPost:
		return s.igCreate(params)
	case len(segs) == 2 && segs[1] == "media_publish" && r.Method == http.MethodPost:
		return s.igPublish(params.Get("creation_id"))
	case len(segs) == 2 && segs[1] == "insights" && r.Method == http.MethodGet:
		return s.igInsights(segs[0], params.Get("metric"))
	case len(segs) == 1 && r.Method == http.MethodGet:
		return s.igRead(segs[0], params.Get("fields"))
	}
	return graphUnsupported(r.Method, segs[0])
}

// igUsage is how many posts were published in the quota window.
func (s *Sim) igUsage() int {
	since := s.now().Add(-igQuotaWindow)
	n := 0
	for _, t := range s.igPosts {
		if t.After(since) {
			n++
		}
	}
	return n
}

func (s *Sim) igLimit() reply {
	return reply{status: http.StatusOK, body: map[string]any{"data": []any{map[string]any{
		"quota_usage": s.igUsage(),
		"config":      map[string]any{"quota_total": s.igQuota, "quota_duration": int(igQuotaWindow.Seconds())},
	}}}}
}

func (s *Sim) igCreate(params url.Values) reply {
	image := params.Get("image_url")
	caption := params.Get("caption")
	switch {
	case image == "":
		return graphBad(100, 0, "The parameter image_url is required.")
	case !strings.HasPrefix(image, "http://") && !strings.HasPrefix(image, "https://"):
		return graphBad(9004, 2207052, "The media could not be fetched from this URI: "+image)
	case utf8.RuneCountInString(caption) > igCaptionLimit:
		return graphBad(100, 2207006, fmt.Sprintf("The caption is longer than %d characters.", igCaptionLimit))
	case strings.Count(caption, "#") > igHashtagLimit:
		return graphBad(100, 2207006, fmt.Sprintf("The caption has more than %d hashtags.", igHashtagLimit))
	}
	id := fmt.Sprintf("178%014d", s.nextID())
	s.ig[id] = &igObject{id: id, kind: "container", created: s.now(), imageURL: image, caption: caption}
	return reply{status: http.StatusOK, body: map[string]string{"id": id}}
}

// igPublish turns a container into a post. Publishing a container again
// answers the same media: it never makes a second post.
func (s *Sim) igPublish(creationID string) reply {
	if creationID == "" {
		return graphBad(100, 0, "The parameter creation_id is required.")
	}
	c := s.ig[creationID]
	if c == nil || c.kind != "container" {
		return graphUnsupported(http.MethodPost, creationID)
	}
	if c.media != "" {
		return reply{status: http.StatusOK, body: map[string]string{"id": c.media}}
	}
	now := s.now()
	if now.Sub(c.created) > igContainerLife {
		return graphBad(9007, 2207008, "The media container has expired; create a new one.")
	}
	if s.igUsage() >= s.igQuota {
		return graphBad(9, igPublishLimitSubcode, "The maximum number of posts that were allowed to be published has been reached.")
	}
	n := s.nextID()
	id := fmt.Sprintf("179%014d", n)
	s.ig[id] = &igObject{id: id, kind: "media", created: now, imageURL: c.imageURL, caption: c.caption,
		permalink: "https://www.instagram.com/p/SIM" + strings.ToUpper(strconv.FormatInt(n*7919+104729, 36)) + "/", factor: postFactor(id)}
	c.media = id
	s.igPosts = append(s.igPosts, now)
	s.chans[chInstagram].posts++
	return reply{status: http.StatusOK, body: map[string]string{"id": id}}
}

// igPublishLimitSubcode is the Graph error subcode for a used-up quota.
const igPublishLimitSubcode = 2207042

// igRead answers GET /{id}?fields=... for a container or a media object.
func (s *Sim) igRead(id, fields string) reply {
	o := s.ig[id]
	if o == nil {
		return graphUnsupported(http.MethodGet, id)
	}
	all := map[string]any{"id": o.id}
	if o.kind == "container" {
		status := "FINISHED"
		switch {
		case o.media != "":
			status = "PUBLISHED"
		case s.now().Sub(o.created) > igContainerLife:
			status = "EXPIRED"
		}
		all["status_code"] = status
		all["status"] = status
	} else {
		all["permalink"] = o.permalink
		all["caption"] = o.caption
		all["media_type"] = "IMAGE"
		all["media_url"] = o.imageURL
		all["timestamp"] = o.created.UTC().Format("2006-01-02T15:04:05-0700")
	}
	out := map[string]any{"id": o.id}
	for _, f := range strings.Split(fields, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, ok := all[f]
		if !ok {
			return graphBad(100, 0, fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", f, nodeType(o.kind)))
		}
		out[f] = v
	}
	return reply{status: http.StatusOK, body: out}
}

func nodeType(kind string) string {
	if kind == "container" {
		return "ShadowIGMediaBuilder"
	}
	return "IGMedia"
}

// igInsights answers a media object's lifetime insights, grown with its age.
func (s *Sim) igInsights(id, metrics string) reply {
	o := s.ig[id]
	if o == nil || o.kind != "media" {
		return graphUnsupported(http.MethodGet, id)
	}
	reach := growth(o.created, s.now(), 40, o.factor)
	values := map[string]float64{
		"reach": reach, "views": reach * 1.6, "likes": reach * 0.06, "comments": reach * 0.008,
		"shares": reach * 0.01, "saved": reach * 0.012,
	}
	values["total_interactions"] = values["likes"] + values["comments"] + values["shares"] + values["saved"]
	if metrics == "" {
		return graphBad(100, 0, "(#100) The parameter metric is required")
	}
	var data []any
	for _, m := range strings.Split(metrics, ",") {
		m = strings.TrimSpace(m)
		v, ok := values[m]
		if !ok {
			return graphBad(100, 0, fmt.Sprintf("(#100) metric[%d] must be one of the following values: reach, views, likes, comments, shares, saved, total_interactions", len(data)))
		}
		data = append(data, map[string]any{"name": m, "period": "lifetime", "values": []any{map[string]int64{"value": int64(v)}},
			"id": id + "/insights/" + m + "/lifetime"})
	}
	return reply{status: http.StatusOK, body: map[string]any{"data": data}}
}
