package contract

import (
	"os"
	"testing"
)

// FuzzExtract: any bytes handed over as a WSDL extract or fail, without a
// panic.
func FuzzExtract(f *testing.F) {
	for _, p := range []string{"../../schemas/SoPrincipal/service.wsdl"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:a="urn:a" xmlns:b="urn:b"><wsdl:types/></wsdl:definitions>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		Extract("fuzz.wsdl", data)
	})
}
