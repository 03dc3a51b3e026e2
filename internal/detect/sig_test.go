package detect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

func hmacHex(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	if ts != "" {
		m.Write([]byte(ts + ":"))
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
