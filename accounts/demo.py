"""Demo accounts and contacts: about 50 companies and 150 people over the four reps."""

import random
from decimal import Decimal

from django.db import transaction

from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

from .models import Account, Contact

PLACES = [
    # country, region, city, postcode, lat, lon
    ("United Kingdom", "England", "London", "EC1A 1BB", 51.5072, -0.1276),
    ("United Kingdom", "England", "Manchester", "M1 1AE", 53.4808, -2.2426),
    ("United Kingdom", "Scotland", "Edinburgh", "EH1 1YZ", 55.9533, -3.1883),
    ("Germany", "Bavaria", "Munich", "80331", 48.1351, 11.5820),
    ("Germany", "Berlin", "Berlin", "10115", 52.5200, 13.4050),
    ("France", "Île-de-France", "Paris", "75001", 48.8566, 2.3522),
    ("Netherlands", "North Holland", "Amsterdam", "1012", 52.3676, 4.9041),
    ("Spain", "Catalonia", "Barcelona", "08001", 41.3874, 2.1686),
    ("United States", "New York", "New York", "10001", 40.7128, -74.0060),
    ("United States", "California", "San Francisco", "94103", 37.7749, -122.4194),
    ("United States", "Texas", "Austin", "78701", 30.2672, -97.7431),
    ("Ireland", "Leinster", "Dublin", "D02", 53.3498, -6.2603),
]
INDUSTRIES = [
    "Software",
    "Manufacturing",
    "Healthcare",
    "Logistics",
    "Retail",
    "Financial services",
    "Education",
    "Energy",
    "Media",
    "Construction",
]
NAME_A = [
    "Northwind",
    "Bluepeak",
    "Ironbridge",
    "Silverline",
    "Oakridge",
    "Harbor",
    "Crescent",
    "Summit",
    "Redwood",
    "Brightwater",
    "Granite",
    "Evergreen",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Orchard",
    "Pioneer",
    "Quarry",
    "Riverside",
    "Sterling",
    "Tidewater",
    "Vantage",
    "Westgate",
    "Alder",
    "Beacon",
]
NAME_B = [
    "Systems",
    "Logistics",
    "Health",
    "Foods",
    "Analytics",
    "Works",
    "Energy",
    "Media",
    "Partners",
    "Labs",
]
FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Farid",
    "Grace",
    "Hugo",
    "Isla",
    "Jonas",
    "Kara",
    "Liam",
    "Mina",
    "Noah",
    "Olivia",
    "Pablo",
    "Quinn",
    "Sofia",
    "Tom",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
    "Zoe",
    "Aisha",
    "Lars",
    "Nadia",
    "Oscar",
    "Priya",
    "Sven",
]
LAST = [
    "Anderson",
    "Becker",
    "Carter",
    "Dubois",
    "Evans",
    "Fischer",
    "García",
    "Hughes",
    "Ivanova",
    "Johansson",
    "Khan",
    "Larsen",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Rossi",
    "Schmidt",
    "Taylor",
    "Van Dijk",
    "Walsh",
    "Young",
    "Novak",
    "Moreau",
    "Costa",
]
TITLES = [
    ("Chief Executive Officer", True),
    ("Chief Financial Officer", True),
    ("Head of Operations", True),
    ("IT Director", True),
    ("Procurement Manager", False),
    ("Operations Manager", False),
    ("Finance Analyst", False),
    ("Office Manager", False),
    ("Head of Sales", True),
    ("Project Lead", False),
]
REPS = ["rep1", "rep2", "rep3", "rep4"]


def accounts_plan(rng):
    names = []
    for a in NAME_A:
        for b in rng.sample(NAME_B, 2):
            names.append(f"{a} {b}")
    rng.shuffle(names)
    return names[:50]


@transaction.atomic
def seed(*, stdout=None):
    rng = random.Random(20261127)
    reps = {u.username: u for u in User.objects.filter(username__in=REPS)}
    if len(reps) < len(REPS):
        return
    existing_domains = set(Account.objects.values_list("domain", flat=True))
    existing_emails = set(Contact.objects.values_list("email", flat=True))
    new_accounts = []
    plan = []
    for i, name in enumerate(accounts_plan(rng)):
        domain = name.lower().replace(" ", "") + ".example"
        place = PLACES[i % len(PLACES)]
        employees = rng.choice([12, 35, 80, 150, 320, 750, 1800, 5200, 12000])
        owner = reps[REPS[i % len(REPS)]]
        status = rng.choices(
            [Account.Status.PROSPECT, Account.Status.CUSTOMER, Account.Status.FORMER],
            [5, 4, 1],
        )[0]
        if owner.username == "rep4" or owner.username == "rep3":
            status = rng.choice([Account.Status.CUSTOMER, Account.Status.CUSTOMER, status])
        plan.append((domain, owner, rng.randint(2, 4)))
        # Draw every random value before skipping existing rows, so reruns stay in step.
        revenue = Decimal(employees * rng.randint(90, 260) * 1000)
        latitude = Decimal(str(round(place[4] + rng.uniform(-0.05, 0.05), 6)))
        longitude = Decimal(str(round(place[5] + rng.uniform(-0.05, 0.05), 6)))
        if domain in existing_domains:
            continue
        new_accounts.append(
            Account(
                name=name,
                website=f"https://www.{domain}",
                domain=domain,
                industry=INDUSTRIES[(i * 7) % len(INDUSTRIES)],
                employee_count=employees,
                annual_revenue=revenue,
                country=place[0],
                region=place[1],
                city=place[2],
                postcode=place[3],
                latitude=latitude,
                longitude=longitude,
                status=status,
                owner=owner,
                account_manager=reps["rep4"]
                if status == Account.Status.CUSTOMER and i % 3 == 0
                else None,
            )
        )
    Account.objects.bulk_create(new_accounts)
    by_domain = {a.domain: a for a in Account.objects.filter(domain__in=[p[0] for p in plan])}
    new_contacts = []
    used = set(existing_emails)
    for domain, owner, n in plan:
        account = by_domain[domain]
        for _ in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            title, dm = rng.choice(TITLES)
            local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
            email = f"{local}@{domain}"
            phone = f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
            if email in used:
                continue
            used.add(email)
            new_contacts.append(
                Contact(
                    account=account,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                    email=email,
                    phone=phone,
                    is_decision_maker=dm,
                    owner=owner,
                )
            )
    Contact.objects.bulk_create(new_contacts)
    if stdout:
        stdout.write(
            f"  accounts: {Account.objects.count()} ({len(new_accounts)} new), "
            f"contacts: {Contact.objects.count()} ({len(new_contacts)} new)"
        )


def register():
    register_demo(DemoSeeder("accounts", seed, order=10))
