package family_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/family"
)

// The committed table of every pinned agent is exactly what the derivation
// finds (the review adds live: and why: only): a contract change that makes
// or breaks a family fails here until a person has looked at it.
func TestTablesMatchTheDerivation(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := family.Load(fixtures.FS, family.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range set.Contracts() {
		derived := family.Derive(c, set.Model(c.Service))
		tab := tables.ByAgent[c.Service]
		if tab == nil {
			if len(derived) > 0 {
				t.Errorf("fixtures/families/%s.yaml is missing; the derivation finds %d families: %+v", c.Service, len(derived), derived)
			}
			continue
		}
		var reviewed []family.Family
		for _, f := range tab.Families {
			reviewed = append(reviewed, f.Derived())
		}
		var plain []family.Family
		for _, f := range derived {
			plain = append(plain, f.Derived())
		}
		if !reflect.DeepEqual(reviewed, plain) {
			t.Errorf("%s: the table differs from the derivation:\ntable:   %+v\nderived: %+v", tab.Source, reviewed, plain)
		}
	}
	for agent := range tables.ByAgent {
		if set.Contract(agent) == nil {
			t.Errorf("fixtures/families/%s.yaml names no pinned agent", agent)
		}
	}
}

// What the derivation finds in the pinned contracts, by convention.
func TestDeriveUser(t *testing.T) {
	set, _ := contracts.Default()
	fams := family.Derive(set.Contract("User"), set.Model("User"))
	got := map[string]family.Family{}
	for _, f := range fams {
		got[f.Entity] = f
	}
	role := got["RoleEntity"]
	if role.Key != "RoleId" || role.Delete.Param != "RoleIdToDelete" || role.Get.Op != "GetRoleEntity" || !reflect.DeepEqual(role.Text, []string{"Name", "Tooltip"}) {
		t.Errorf("RoleEntity: %+v", role)
	}
	if g := got["UserGroup"]; g.Key != "Id" || g.CreateDefault != "" || g.Delete.Param != "UserGroupToDelete" {
		t.Errorf("UserGroup: %+v", g)
	}
	// SaveExternalTokens answers a key, not the entity: no family.
	if _, ok := got["TokenManagementInfo"]; ok {
		t.Error("TokenManagementInfo is no family")
	}
	co := family.Derive(set.Contract("CustomObject"), set.Model("CustomObject"))
	if len(co) != 1 || !reflect.DeepEqual(co[0].Context, []string{"DefinitionName"}) || len(co[0].Text) != 0 {
		t.Errorf("CustomObject: %+v", co)
	}
}

var update = flag.Bool("update", false, "write the table of every pinned agent that has families and no table yet: the derivation, kept to the mock until reviewed against an install")

func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		writeTables()
	}
	os.Exit(m.Run())
}

func writeTables() {
	set, err := contracts.Default()
	if err != nil {
		panic(err)
	}
	tables, err := family.Load(fixtures.FS, family.Dir)
	if err != nil {
		panic(err)
	}
	no := false
	for _, c := range set.Contracts() {
		derived := family.Derive(c, set.Model(c.Service))
		if tables.ByAgent[c.Service] != nil || len(derived) == 0 {
			continue
		}
		t := family.Table{Agent: c.Service}
		for _, f := range derived {
			f.Live, f.Why = &no, "not yet tried against an install: a save may need records the life cycle does not make (a contact, a person, an associate)"
			t.Families = append(t.Families, f)
		}
		data, err := yaml.Marshal(t)
		if err != nil {
			panic(err)
		}
		head := "# The reviewed entity life cycles of the " + c.Service + " agent: what conform's\n# derivation (internal/family) finds in the contract; a test keeps the two\n# equal. Kept to the embedded mock (live: false) until tried against an\n# install; see fixtures/README.md, \"Life cycles\".\n"
		if err := os.WriteFile(filepath.Join("../../fixtures", family.Dir, c.Service+".yaml"), append([]byte(head), data...), 0o644); err != nil {
			panic(err)
		}
	}
}
